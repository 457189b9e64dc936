namespace GradScope.Onnx;

/// <summary>
/// Walks an <see cref="OnnxGraph"/> from its input to its output and reads it as a chain of linear maps, normalisations,
/// element-wise functions and residual units (a fork whose one path is the identity and whose other path, the branch,
/// rejoins it in an Add). Anything else stops the import with one line naming the node, its op type and what is supported.
/// </summary>
internal sealed class ChainParser
{
    public const string Supported =
        "supported: Gemm, MatMul (+ Add bias), BatchNormalization, LayerNormalization (or its ReduceMean/Sub/Pow/Sqrt/Div form), " +
        "Relu, LeakyRelu, Elu, Selu, Celu, Tanh, Sigmoid, Gelu (or its Erf form), Softplus, Clip, other element-wise ops with scalar " +
        "constants, residual Add, Identity, Dropout, Flatten/Reshape of the input, a final LogSoftmax";

    private readonly OnnxGraph _graph;

    public ChainParser(OnnxGraph graph) => _graph = graph;

    /// <summary>Input features after flattening.</summary>
    public int InputDim { get; private set; }

    public IReadOnlyList<ChainItem> Parse()
    {
        string start = FlattenInput();
        var (items, end) = Sequence(start, join: null, ignore: null);
        if (end != _graph.OutputName)
            throw Error($"the walk from the input stopped at '{end}' before the graph output '{_graph.OutputName}'");
        return items;
    }

    private OnnxImportException Error(string problem) => OnnxImportException.InFile(_graph.Path, problem);

    private OnnxImportException Unsupported(OnnxNode node, string why) => Error($"{node.Label} {why}; {Supported}");

    /// <summary>B × d inputs pass through; B × d1 × … must be flattened (Flatten axis 1, or Reshape to [B or −1 or 0, d]).</summary>
    private string FlattenInput()
    {
        var shape = _graph.InputShape;
        var features = shape.Skip(1).ToList();
        if (features.Any(d => d is null or <= 0))
            throw Error($"graph input '{_graph.InputName}' has shape [{string.Join(", ", shape.Select(d => d?.ToString() ?? "?"))}]; " +
                "every dimension but the batch must be fixed");
        long flat = features.Aggregate(1L, (a, d) => a * d!.Value);
        if (flat > int.MaxValue) throw Error($"graph input '{_graph.InputName}' has {flat:N0} features per example");
        InputDim = (int)flat;
        string value = _graph.InputName;
        // Shape nodes only read the batch size (x.view(x.size(0), -1)); they are not on the data path.
        while (_graph.Consumers(value).Where(c => c.OpType != "Shape").ToList() is [{ OpType: "Flatten" or "Reshape" } reshape])
        {
            if (reshape.OpType == "Flatten" && reshape.Int("axis", 1) != 1)
                throw Unsupported(reshape, $"flattens from axis {reshape.Int("axis", 1)}; only Flatten(axis=1) keeps the batch apart");
            if (reshape.OpType == "Reshape") CheckReshape(reshape);
            value = reshape.Outputs[0];
        }
        if (shape.Count != 2 && value == _graph.InputName)
            throw Error($"graph input '{_graph.InputName}' has rank {shape.Count}; "
                + $"GradScope needs B × d (flatten the input first, e.g. nn.Flatten())");
        return value;
    }

    private void CheckReshape(OnnxNode reshape)
    {
        if (reshape.Inputs.Count >= 2 && IsBatchByRest(reshape.Inputs[1])) return;
        if (reshape.Inputs.Count < 2 || !_graph.Constants.TryGetValue(reshape.Inputs[1], out var target) || target.Integers is null)
            throw Unsupported(reshape, "has a computed target shape; only a constant shape [−1, d], [0, d] or [B, d] is supported");
        var dims = target.Integers;
        if (dims.Length != 2 || dims[1] != InputDim || dims[0] is < -1)
            throw Unsupported(reshape, $"reshapes to [{string.Join(", ", dims)}]; only [−1, {InputDim}] (batch × features) is supported");
    }

    /// <summary>
    /// The shape PyTorch computes for <c>x.view(x.size(0), -1)</c>: Concat(Unsqueeze(Gather(Shape(input), 0)), [−1 or d]).
    /// </summary>
    private bool IsBatchByRest(string shape)
    {
        if (_graph.Producer(shape) is not { OpType: "Concat" } concat || concat.Inputs.Count != 2) return false;
        if (!_graph.Constants.TryGetValue(concat.Inputs[1], out var rest) || rest.Integers is not [var d] || (d != -1 && d != InputDim))
            return false;
        var node = _graph.Producer(concat.Inputs[0]);
        if (node is { OpType: "Unsqueeze" }) node = _graph.Producer(node.Inputs[0]);
        if (node is not { OpType: "Gather" } gather || !_graph.Constants.TryGetValue(gather.Inputs[1], out var index)
            || index.Integers is not [0]) return false;
        return _graph.Producer(gather.Inputs[0]) is { OpType: "Shape" } shapeNode && shapeNode.Inputs[0] == _graph.InputName;
    }

    /// <summary>
    /// Items from <paramref name="value"/> until the graph output, or (inside a branch) until the value the join reads.
    /// <paramref name="ignore"/> is the join, which the fork value also feeds.
    /// </summary>
    private (List<ChainItem> Items, string End) Sequence(string value, OnnxNode? join, OnnxNode? ignore)
    {
        var items = new List<ChainItem>();
        while (true)
        {
            if (join is not null && ignore is null && join.Inputs.Contains(value)) return (items, value);
            if (join is null && value == _graph.OutputName) return (items, value);
            var consumers = _graph.Consumers(value).Where(c => c != ignore).ToList();
            if (consumers.Count == 0) throw Error($"'{value}' is read by no node, so the graph output cannot be reached from the input");
            ChainItem item;
            string next;
            if (consumers.Count == 2 && ResidualJoin(value, consumers) is { } residual)
                (item, next) = Residual(value, residual.Join, residual.First);
            else if (LayerNormPattern.Match(_graph, value, consumers) is { } norm)
                (item, next) = norm;
            else if (ElementwiseRegion.Grow(_graph, value, ignore) is { } function)
                (item, next) = (function, function.Node.Outputs[0]);
            else if (consumers.Count > 1)
                throw Error($"'{value}' feeds {consumers.Count} nodes ({string.Join(", ", consumers.Select(c => c.Label))}); " +
                    "GradScope reads a chain whose only forks are residual connections (identity skip + Add)");
            else
                (item, next) = Single(consumers[0], value);
            items.Add(item);
            value = next;
            ignore = null;
        }
    }

    /// <summary>The Add that joins <paramref name="fork"/> (the identity skip) with the end of the other consumer's path.</summary>
    private (OnnxNode Join, OnnxNode First)? ResidualJoin(string fork, List<OnnxNode> consumers)
    {
        foreach (var join in consumers)
        {
            if (join.OpType != "Add" || join.Domain.Length > 0 || join.Inputs.Count != 2) continue;
            int skip = join.Inputs[0] == fork ? 0 : join.Inputs[1] == fork ? 1 : -1;
            if (skip < 0 || _graph.IsConstant(join.Inputs[1 - skip])) continue;
            var first = consumers.First(c => c != join);
            if (Reaches(first, join)) return (join, first);
        }
        return null;
    }

    private bool Reaches(OnnxNode from, OnnxNode target)
    {
        var seen = new HashSet<OnnxNode>();
        var stack = new Stack<OnnxNode>([from]);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node == target) return true;
            if (!seen.Add(node)) continue;
            foreach (var output in node.Outputs)
                foreach (var c in _graph.Consumers(output)) stack.Push(c);
        }
        return false;
    }

    private (ChainItem, string) Residual(string fork, OnnxNode join, OnnxNode first)
    {
        var (branch, _) = Sequence(fork, join, ignore: join);
        if (branch.Count == 0) throw Unsupported(join, "adds a value to itself");
        foreach (var inner in branch)
        {
            if (inner is ResidualItem nested)
                throw Unsupported(nested.Node,
                    $"is a residual connection nested inside the branch of {join.Label}; nested residual units are not supported");
            if (inner is LogSoftmaxItem) throw Unsupported(inner.Node, "lies inside a residual branch");
        }
        double weight = 1;
        // A constant factor at the end of the branch (h + w·branch(h)) is the unit's residual weight w_r.
        if (branch[^1] is FunctionItem last && last.Function.AsScaled() is { } scaled)
        {
            weight = scaled.Scale;
            // The factor's Mul is the run's last node; the remaining function keeps the names of the nodes before it.
            var rest = last.Fused.Take(last.Fused.Count - 1).ToList();
            branch[^1] = rest.Count > 0 ? last with { Node = rest[^1], Function = scaled.Remainder, Fused = rest }
                : last with { Function = scaled.Remainder };
            if (scaled.Remainder.IsIdentity) branch.RemoveAt(branch.Count - 1);
        }
        return (new ResidualItem(join, branch, weight), join.Outputs[0]);
    }

    private (ChainItem, string) Single(OnnxNode node, string value)
    {
        if (node.Domain.Length > 0) throw Unsupported(node, $"belongs to the custom domain '{node.Domain}'");
        if (node.HasSubgraph || node.OpType is "If" or "Loop" or "Scan")
            throw Unsupported(node, "is control flow (a subgraph); GradScope reads straight-line graphs");
        return node.OpType switch
        {
            "Gemm" or "MatMul" => Linear(node, value),
            "BatchNormalization" => Norm(node, value, ImportedNorm.Batch),
            "LayerNormalization" => Norm(node, value, ImportedNorm.Layer),
            "LogSoftmax" or "Softmax" => LogSoftmax(node),
            "Flatten" or "Reshape" => throw Unsupported(node, "reshapes an intermediate value; only the input may be flattened"),
            "Add" or "Sub" or "Mul" or "Div" when node.Inputs.Any(_graph.IsConstant) =>
                throw Unsupported(node, $"uses the constant {ConstantShape(node)}; element-wise ops may only use scalar constants"),
            _ => throw Unsupported(node, "is not supported"),
        };
    }

    private string ConstantShape(OnnxNode node)
    {
        var name = node.Inputs.First(_graph.IsConstant);
        return $"'{name}' of shape {_graph.Constants[name].ShapeText}";
    }

    private (ChainItem, string) LogSoftmax(OnnxNode node)
    {
        if (node.OpType == "Softmax")
            throw Unsupported(node,
                "turns the logits into probabilities; GradScope's error layer applies softmax cross-entropy to the logits, " +
                "so export the model without its final Softmax (a final LogSoftmax is fine)");
        long axis = node.Int("axis", -1);
        if (axis is not (-1 or 1)) throw Unsupported(node, $"works along axis {axis}; only the class axis (−1 or 1) is supported");
        if (node.Outputs[0] != _graph.OutputName) throw Unsupported(node,
            "is not the last node; LogSoftmax is only accepted as the final op");
        return (new LogSoftmaxItem(node), node.Outputs[0]);
    }

    private double[] Weights(OnnxNode node, string name, string role)
    {
        if (!_graph.Constants.TryGetValue(name, out var tensor))
            throw Unsupported(node, $"takes its {role} '{name}' from the data path; only constant weights (initializers) are supported");
        if (!tensor.IsFloat)
            throw Unsupported(node,
                $"has {tensor.ElementType} {role} '{name}'; only float32 and float64 weights are supported " +
                "(integer/quantised weights are not)");
        return tensor.Floats!;
    }

    private (ChainItem, string) Linear(OnnxNode node, string value)
    {
        if (node.Inputs[0] != value)
            throw Unsupported(node, "multiplies from the left (W·x); only x·W (nn.Linear) is supported");
        if (node.Inputs.Count < 2 || node.Inputs[1].Length == 0) throw Unsupported(node, "has no weight input");
        var tensor = _graph.Constants.GetValueOrDefault(node.Inputs[1]);
        var w = Weights(node, node.Inputs[1], "weight");
        if (tensor!.Dims.Count != 2) throw Unsupported(node, $"has a weight of shape {tensor.ShapeText}; a linear map needs a 2-D weight");
        string module = node.ModulePath;
        bool gemm = node.OpType == "Gemm";
        bool transB = gemm && node.Int("transB", 0) != 0;
        if (gemm && node.Int("transA", 0) != 0) throw Unsupported(node, "has transA = 1 (transposes the batch)");
        double alpha = gemm ? node.Float("alpha", 1) : 1, beta = gemm ? node.Float("beta", 1) : 1;
        int rows = (int)tensor.Dims[0], cols = (int)tensor.Dims[1];
        int inDim = transB ? cols : rows, outDim = transB ? rows : cols;
        var weight = new double[outDim * inDim];
        for (int o = 0; o < outDim; o++)
            for (int i = 0; i < inDim; i++) weight[o * inDim + i] = alpha * (transB ? w[o * cols + i] : w[i * cols + o]);
        var weightSource = new ParameterSource(node.Inputs[1], module + ".weight", Transposed: !transB, Scale: alpha);
        double[]? bias = null;
        ParameterSource? biasSource = null;
        var fused = new List<OnnxNode>();
        string output = node.Outputs[0];
        if (gemm && node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
        {
            bias = BiasVector(node, node.Inputs[2], outDim, beta);
            biasSource = new ParameterSource(node.Inputs[2], module + ".bias", Scale: beta);
        }
        // MatMul + Add(constant vector) is a linear map with a bias (how PyTorch exports nn.Linear on non-2-D inputs).
        if (bias is null && _graph.Consumers(output) is [{ OpType: "Add" } add] && add.Inputs.Count == 2)
        {
            string other = add.Inputs[0] == output ? add.Inputs[1] : add.Inputs[0];
            if (_graph.Constants.TryGetValue(other, out var b) && b.Count == outDim && b.IsFloat && b.Dims.Count(d => d != 1) <= 1)
            {
                bias = BiasVector(add, other, outDim, 1);
                biasSource = new ParameterSource(other, module + ".bias");
                fused.Add(add);
                output = add.Outputs[0];
            }
        }
        return (new LinearItem(node, inDim, outDim, weight, bias, weightSource, biasSource, fused), output);
    }

    private double[] BiasVector(OnnxNode node, string name, int outDim, double scale)
    {
        var values = Weights(node, name, "bias");
        if (values.Length == 1) return Enumerable.Repeat(scale * values[0], outDim).ToArray();
        if (values.Length != outDim) throw Unsupported(node, $"has a bias of {values.Length} values for {outDim} outputs");
        return values.Select(v => scale * v).ToArray();
    }

    private (ChainItem, string) Norm(OnnxNode node, string value, ImportedNorm kind)
    {
        if (node.Inputs[0] != value) throw Unsupported(node, "normalises a constant");
        double eps = node.Float("epsilon", 1e-5);
        int count = kind == ImportedNorm.Batch ? 5 : 2;
        if (node.Inputs.Count < count) throw Unsupported(node, $"has {node.Inputs.Count} inputs; {count} are needed");
        if (kind == ImportedNorm.Layer && node.Int("axis", -1) is not (-1 or 1))
            throw Unsupported(node, $"normalises from axis {node.Int("axis", -1)}; only the feature axis (−1) is supported");
        foreach (var extra in node.Outputs.Skip(1))
            if (extra.Length > 0 && _graph.Consumers(extra).Count > 0)
                throw Unsupported(node, $"has its statistics output '{extra}' read by another node");
        var gain = Weights(node, node.Inputs[1], "scale");
        int dim = gain.Length;
        double[] bias = kind == ImportedNorm.Layer && (node.Inputs.Count < 3 || node.Inputs[2].Length == 0)
            ? new double[dim]
            : Weights(node, node.Inputs[2], "bias");
        string module = node.ModulePath;
        var sources = new ParameterSource?[]
        {
            new(node.Inputs[1], module + ".weight"),
            node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? new(node.Inputs[2], module + ".bias") : null,
            null, null,
        };
        double[]? mean = null, variance = null;
        if (kind == ImportedNorm.Batch)
        {
            mean = Weights(node, node.Inputs[3], "running mean");
            variance = Weights(node, node.Inputs[4], "running variance");
            sources[2] = new(node.Inputs[3], module + ".running_mean");
            sources[3] = new(node.Inputs[4], module + ".running_var");
        }
        if (bias.Length != dim || (mean is not null && (mean.Length != dim || variance!.Length != dim)))
            throw Unsupported(node, "has parameters of different lengths");
        return (new NormItem(node, kind, dim, eps, gain, bias, mean, variance, sources, []), node.Outputs[0]);
    }
}
