namespace GradScope.Onnx;

/// <summary>
/// Layer normalisation as exporters write it before opset 17 (PyTorch 1.13's <c>native_layer_norm</c> symbolic):
/// m = ReduceMean(x), d = Sub(x, m), v = ReduceMean(Pow(d, 2)), y = Div(d, Sqrt(Add(v, ε))), then optionally
/// Mul(y, γ) and Add(·, β) with constant per-unit vectors. Matched node by node, each intermediate read only by the next.
/// </summary>
internal static class LayerNormPattern
{
    public static (ChainItem Item, string Next)? Match(OnnxGraph graph, string x, IReadOnlyList<OnnxNode> consumers)
    {
        if (consumers.Count != 2) return null;
        var mean = consumers.FirstOrDefault(c => c.OpType == "ReduceMean");
        var sub = consumers.FirstOrDefault(c => c.OpType == "Sub");
        if (mean is null || sub is null || !LastAxis(graph, mean)) return null;
        if (sub.Inputs.Count != 2 || sub.Inputs[0] != x || sub.Inputs[1] != mean.Outputs[0]) return null;
        var nodes = new List<OnnxNode> { mean, sub };
        var d = sub.Outputs[0];
        var dUsers = graph.Consumers(d);
        if (dUsers.Count != 2) return null;
        var square = dUsers.FirstOrDefault(c => c.OpType == "Pow" && IsScalar(graph, c.Inputs[1], 2)
            || c.OpType == "Mul" && c.Inputs.Count == 2 && c.Inputs[0] == d && c.Inputs[1] == d);
        var div = dUsers.FirstOrDefault(c => c.OpType == "Div" && c.Inputs[0] == d);
        if (square is null || div is null) return null;
        nodes.Add(square);
        if (Only(graph, square.Outputs[0]) is not { OpType: "ReduceMean" } variance || !LastAxis(graph, variance)) return null;
        nodes.Add(variance);
        if (Only(graph, variance.Outputs[0]) is not { OpType: "Add" } addEps) return null;
        string epsName = addEps.Inputs[0] == variance.Outputs[0] ? addEps.Inputs[1] : addEps.Inputs[0];
        if (!graph.Constants.TryGetValue(epsName, out var epsTensor) || !epsTensor.TryScalar(out double eps)) return null;
        nodes.Add(addEps);
        if (Only(graph, addEps.Outputs[0]) is not { OpType: "Sqrt" } sqrt || Only(graph, sqrt.Outputs[0]) != div) return null;
        if (div.Inputs[1] != sqrt.Outputs[0]) return null;
        nodes.Add(sqrt);
        nodes.Add(div);
        string output = div.Outputs[0];
        double[]? gain = null, bias = null;
        string? gainName = null, biasName = null;
        if (Only(graph, output) is { OpType: "Mul" } mul && OtherConstant(graph, mul, output) is { } g && g.Floats is not null)
        {
            gain = g.Floats; gainName = g.Name.Length > 0 ? g.Name : null;
            nodes.Add(mul);
            output = mul.Outputs[0];
        }
        if (Only(graph, output) is { OpType: "Add" } add && OtherConstant(graph, add, output) is { } b && b.Floats is not null)
        {
            bias = b.Floats; biasName = b.Name.Length > 0 ? b.Name : null;
            nodes.Add(add);
            output = add.Outputs[0];
        }
        int dim = gain?.Length ?? bias?.Length ?? 0;
        if (dim == 0 || (gain is not null && gain.Length != dim) || (bias is not null && bias.Length != dim))
            throw OnnxImportException.InFile(graph.Path,
                $"{div.Label}: a decomposed layer norm without per-unit affine parameters of one length " +
                "is not supported (its width cannot be read from the graph)");
        var last = nodes[^1];
        string module = div.ModulePath;
        var sources = new ParameterSource?[]
        {
            gainName is null ? null : new(gainName, module + ".weight"),
            biasName is null ? null : new(biasName, module + ".bias"),
            null, null,
        };
        var item = new NormItem(last, ImportedNorm.Layer, dim, eps, gain ?? Enumerable.Repeat(1.0, dim).ToArray(), bias ?? new double[dim],
            null, null, sources, nodes.Take(nodes.Count - 1).ToList());
        return (item, output);
    }

    private static OnnxNode? Only(OnnxGraph graph, string value) => graph.Consumers(value) is [var single] ? single : null;

    private static bool IsScalar(OnnxGraph graph, string name, double expected) =>
        graph.Constants.TryGetValue(name, out var t) && t.TryScalar(out double v) && v == expected;

    private static OnnxTensor? OtherConstant(OnnxGraph graph, OnnxNode node, string value)
    {
        if (node.Inputs.Count != 2) return null;
        string other = node.Inputs[0] == value ? node.Inputs[1] : node.Inputs[0];
        return graph.Constants.TryGetValue(other, out var t) && t.Dims.Count(d => d != 1) == 1 ? t : null;
    }

    /// <summary>ReduceMean over the last axis, keeping it (axes as attribute before opset 18, as input from 18).</summary>
    private static bool LastAxis(OnnxGraph graph, OnnxNode reduce)
    {
        if (reduce.Int("keepdims", 1) != 1) return false;
        long[]? axes = reduce.Ints("axes");
        if (axes is null && reduce.Inputs.Count > 1 && graph.Constants.TryGetValue(reduce.Inputs[1], out var t)) axes = t.Integers;
        return axes is [-1] or [1];
    }
}
