using GradScope.Onnx.Proto;

namespace GradScope.Onnx;

/// <summary>
/// Fuses the element-wise nodes that follow a value into one <see cref="ScalarFunction"/>: every node whose data inputs
/// are the value or outputs of nodes already taken joins the run (so GELU's erf decomposition, whose x feeds both the
/// erf path and the final product, becomes one function). The run must leave through exactly one value.
/// </summary>
internal static class ElementwiseRegion
{
    public static readonly string[] Unary =
    [
        "Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Tanh", "Sigmoid", "Softplus", "Softsign", "Erf", "Exp", "Log", "Sqrt",
        "Neg", "Abs", "Reciprocal", "Gelu", "Clip", "HardSigmoid", "HardSwish", "Identity", "Dropout", "Cast",
    ];

    public static readonly string[] Binary = ["Add", "Sub", "Mul", "Div", "Pow"];

    /// <summary>True when the node is an element-wise op of a single scalar variable (constants must be scalars).</summary>
    public static bool IsElementwise(OnnxGraph graph, OnnxNode node)
    {
        if (node.Domain.Length > 0) return false;
        if (node.OpType == "Cast")
            return node.Int("to", 0) is (long)TensorProto.Types.DataType.Float or (long)TensorProto.Types.DataType.Double;
        if (node.OpType == "Dropout") return node.Outputs.Count < 2 || node.Outputs[1].Length == 0
            || graph.Consumers(node.Outputs[1]).Count == 0;
        if (node.OpType == "Gelu") return node.String("approximate") is null or "none" or "tanh";
        if (Unary.Contains(node.OpType))
            return node.OpType != "Clip" || node.Inputs.Skip(1).All(i => i.Length == 0 || IsScalarConstant(graph, i));
        if (Binary.Contains(node.OpType))
            return node.Inputs.Count == 2 && node.Inputs.All(i => !graph.IsConstant(i) || IsScalarConstant(graph, i));
        return false;
    }

    private static bool IsScalarConstant(OnnxGraph graph, string value) =>
        graph.Constants.TryGetValue(value, out var t) && t.Count == 1 && t.TryScalar(out _);

    private static IEnumerable<string> DataInputs(OnnxGraph graph, OnnxNode node) =>
        (node.OpType is "Dropout" or "Clip" ? node.Inputs.Take(1) : node.Inputs).Where(i => i.Length > 0 && !graph.IsConstant(i));

    /// <summary>The element-wise run that starts at <paramref name="start"/>, or null when its consumers are not element-wise.</summary>
    public static FunctionItem? Grow(OnnxGraph graph, string start, OnnxNode? ignore = null)
    {
        // Grown forward from the start through consumers, not by scanning every node of the graph: a scan per call made
        // importing a chain of n blocks O(n²) (4,000 blocks took 15 s, 400,000 would take days). A node joins once all
        // its data inputs are in the region, so the list stays in topological order.
        var values = new HashSet<string>(StringComparer.Ordinal) { start };
        var region = new List<OnnxNode>();
        var members = new HashSet<OnnxNode>();
        var frontier = new Queue<string>([start]);
        while (frontier.Count > 0)
        {
            foreach (var node in graph.Consumers(frontier.Dequeue()))
            {
                if (members.Contains(node) || !IsElementwise(graph, node)) continue;
                var inputs = DataInputs(graph, node).ToList();
                if (inputs.Count == 0 || !inputs.All(values.Contains)) continue;
                members.Add(node);
                region.Add(node);
                values.Add(node.Outputs[0]);
                frontier.Enqueue(node.Outputs[0]);
            }
        }
        if (region.Count == 0) return null;
        var outside = graph.Consumers(start).Where(c => !members.Contains(c) && c != ignore).ToList();
        if (outside.Count > 0)
            throw OnnxImportException.InFile(graph.Path,
                $"'{start}' feeds both the element-wise {region[0].Label} and {outside[0].Label}; " +
                "a fork is supported only as a residual connection (identity skip joined by Add)");
        var exits = region.Select(n => n.Outputs[0])
            .Where(v => v == graph.OutputName || graph.Consumers(v).Any(c => !members.Contains(c))).Distinct().ToList();
        if (exits.Count != 1)
        {
            var last = region[^1];
            throw OnnxImportException.InFile(graph.Path,
                $"the element-wise ops from {region[0].Label} to {last.Label} leave through {exits.Count} values; " +
                "GradScope fuses element-wise ops into one function of one input");
        }
        var exit = exits[0];
        CheckSize(graph, start, exit, region);
        var memo = new Dictionary<string, ScalarFunction>(StringComparer.Ordinal);
        var function = Build(graph, start, exit, memo);
        int end = region.FindIndex(n => n.Outputs[0] == exit);
        var used = region.Take(end + 1).ToList();
        return new FunctionItem(used[^1], function, used);
    }

    /// <summary>Most element-wise ops fused into one activation; PyTorch's longest (tanh-approximated GELU) has about ten.</summary>
    public const int MaxFusedOps = 256;

    /// <summary>Most scalar operations one activation may cost per element, counting shared subexpressions at every use.</summary>
    public const long MaxEvaluationCost = 4096;

    /// <summary>
    /// A hostile file must not turn one activation into a stack overflow (a run of 100,000 Relus is built recursively)
    /// or into an evaluation that never ends (x·x squared 60 times is a 2^60-node tree when shared terms are re-evaluated).
    /// </summary>
    private static void CheckSize(OnnxGraph graph, string start, string exit, List<OnnxNode> region)
    {
        if (region.Count > MaxFusedOps)
            throw OnnxImportException.InFile(graph.Path, $"{region.Count:N0} element-wise ops from {region[0].Label} form one activation; "
                + $"GradScope fuses at most {MaxFusedOps}");
        var costs = new Dictionary<string, long>(StringComparer.Ordinal);
        long Cost(string value)
        {
            if (value == start || graph.IsConstant(value)) return 1;
            if (costs.TryGetValue(value, out long known)) return known;
            long total = 1;
            foreach (string input in DataInputs(graph, graph.Producer(value)!))
                total = Math.Min(long.MaxValue / 2, total + Cost(input));
            return costs[value] = total;
        }
        long cost = Cost(exit);
        if (cost > MaxEvaluationCost)
            throw OnnxImportException.InFile(graph.Path, $"the activation from {region[0].Label} costs {cost:N0} scalar operations per "
                + $"element (shared terms counted at every use); GradScope evaluates at most {MaxEvaluationCost:N0}");
    }

    private static ScalarFunction Build(OnnxGraph graph, string start, string value, Dictionary<string, ScalarFunction> memo)
    {
        if (value == start) return ScalarFunction.Input;
        if (memo.TryGetValue(value, out var done)) return done;
        if (graph.Constants.TryGetValue(value, out var constant))
        {
            constant.TryScalar(out double c);
            return ScalarFunction.Constant(c);
        }
        var node = graph.Producer(value)!;
        ScalarFunction Arg(int i) => Build(graph, start, node.Inputs[i], memo);
        double Scalar(int i, double fallback) =>
            node.Inputs.Count > i && node.Inputs[i].Length > 0 && graph.Constants[node.Inputs[i]].TryScalar(out double v) ? v : fallback;
        ScalarFunction result = node.OpType switch
        {
            "Identity" or "Dropout" or "Cast" => Arg(0),
            "Add" => ScalarFunction.Binary(BinaryOp.Add, Arg(0), Arg(1)),
            "Sub" => ScalarFunction.Binary(BinaryOp.Sub, Arg(0), Arg(1)),
            "Mul" => ScalarFunction.Binary(BinaryOp.Mul, Arg(0), Arg(1)),
            "Div" => ScalarFunction.Binary(BinaryOp.Div, Arg(0), Arg(1)),
            "Pow" => ScalarFunction.Binary(BinaryOp.Pow, Arg(0), Arg(1)),
            "Relu" => ScalarFunction.Unary(UnaryOp.Relu, Arg(0)),
            "LeakyRelu" => ScalarFunction.Unary(UnaryOp.LeakyRelu, Arg(0), node.Float("alpha", 0.01)),
            "Elu" => ScalarFunction.Unary(UnaryOp.Elu, Arg(0), node.Float("alpha", 1.0)),
            "Celu" => ScalarFunction.Unary(UnaryOp.Celu, Arg(0), node.Float("alpha", 1.0)),
            "Selu" => ScalarFunction.Unary(UnaryOp.Selu, Arg(0),
                SeluAttribute(node, "alpha", SeluAlpha), SeluAttribute(node, "gamma", SeluLambda)),
            "Tanh" => ScalarFunction.Unary(UnaryOp.Tanh, Arg(0)),
            "Sigmoid" => ScalarFunction.Unary(UnaryOp.Sigmoid, Arg(0)),
            "Softplus" => ScalarFunction.Unary(UnaryOp.Softplus, Arg(0)),
            "Softsign" => ScalarFunction.Unary(UnaryOp.Softsign, Arg(0)),
            "Erf" => ScalarFunction.Unary(UnaryOp.Erf, Arg(0)),
            "Exp" => ScalarFunction.Unary(UnaryOp.Exp, Arg(0)),
            "Log" => ScalarFunction.Unary(UnaryOp.Log, Arg(0)),
            "Sqrt" => ScalarFunction.Unary(UnaryOp.Sqrt, Arg(0)),
            "Neg" => ScalarFunction.Unary(UnaryOp.Neg, Arg(0)),
            "Abs" => ScalarFunction.Unary(UnaryOp.Abs, Arg(0)),
            "Reciprocal" => ScalarFunction.Unary(UnaryOp.Reciprocal, Arg(0)),
            "Gelu" => ScalarFunction.Unary(node.String("approximate") == "tanh" ? UnaryOp.GeluTanh : UnaryOp.Gelu, Arg(0)),
            "HardSigmoid" => ScalarFunction.Unary(UnaryOp.HardSigmoid, Arg(0), node.Float("alpha", 0.2), node.Float("beta", 0.5)),
            "HardSwish" => ScalarFunction.Unary(UnaryOp.HardSwish, Arg(0)),
            "Clip" => ScalarFunction.Unary(UnaryOp.Clip, Arg(0), Scalar(1, double.NegativeInfinity), Scalar(2, double.PositiveInfinity)),
            _ => throw new InvalidOperationException($"{node.Label} is not element-wise."),
        };
        memo[value] = result;
        return result;
    }

    public const double SeluAlpha = 1.6732632423543772, SeluLambda = 1.0507009873554805;

    /// <summary>Selu's attributes default to the float32 roundings of the SeLU constants; those mean the exact constants.</summary>
    private static double SeluAttribute(OnnxNode node, string name, double exact)
    {
        if (!node.HasAttribute(name)) return exact;
        double value = node.Float(name, exact);
        return (float)value == (float)exact ? exact : value;
    }
}
