using System.Numerics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>
/// Groups an imported chain into the blocks of SPEC §6 — a linear map with the element-wise and normalisation ops after
/// it; a residual unit from fork to Add; ops left between a residual Add and the next linear map form a block of their
/// own — and builds the engine's layers, blocks and parameters from it. The last linear map is the output layer.
/// </summary>
internal sealed class OnnxNetworkBuilder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly OnnxGraph _graph;
    private readonly OnnxImportOptions _options;
    private readonly ParameterLayout _layout = new();
    private readonly List<(int Index, double[] Values, ParameterSource? Source)> _values = [];
    private readonly HashSet<string> _layerNames = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];

    public OnnxNetworkBuilder(OnnxGraph graph, OnnxImportOptions options)
    {
        _graph = graph;
        _options = options;
    }

    private sealed record PlannedBlock(List<ChainItem> Items, ResidualItem? Residual)
    {
        public string Name { get; set; } = "";
        public IEnumerable<OnnxNode> Nodes => Residual?.Nodes ?? Items.SelectMany(i => i.Nodes);
    }

    public ImportedNetwork<T> Build()
    {
        var parser = new ChainParser(_graph);
        var items = parser.Parse().ToList();
        var output = SplitOutput(items);
        var planned = Plan(items);
        Name(planned, output);

        var blocks = new List<Block<T>>();
        int width = parser.InputDim;
        foreach (var plan in planned)
        {
            Block<T> block;
            if (plan.Residual is { } residual)
            {
                var branch = Layers(plan.Name, residual.Branch, ref width, residual: true);
                block = new ResidualUnit<T>(plan.Name, branch, residual.Weight);
                if (branch[0].InputDim != branch[^1].OutputDim)
                    throw OnnxImportException.InFile(_graph.Path,
                        $"the residual branch ending in {residual.Node.Label} maps {branch[0].InputDim} to {branch[^1].OutputDim} units");
            }
            else block = new PlainBlock<T>(plan.Name, Layers(plan.Name, plan.Items, ref width, residual: false));
            blocks.Add(block);
        }
        var outputLayer = (Linear<T>)CreateLinear(OutputName(output, planned), output, ref width);
        var spec = Describe(parser.InputDim, blocks, outputLayer);
        var network = new Network<T>(spec, _layout, blocks, outputLayer);
        var theta = new ParameterSet<T>(_layout);
        var sources = new ParameterSource?[_layout.Count];
        foreach (var (index, values, source) in _values)
        {
            var span = theta[index].Span;
            for (int i = 0; i < values.Length; i++) span[i] = T.CreateChecked(values[i]);
            sources[index] = source;
        }
        ImportedParameters.RequireValid(_graph.Path, theta,
            i => sources[i]?.Initializer is { } init ? $"tensor '{init}' ({_layout.Entries[i].Name})" : _layout.Entries[i].Name);
        return new ImportedNetwork<T>(_graph.Path, _graph, network, theta, sources, _notes, _options.Mode);
    }

    /// <summary>Removes and returns the output layer: the last linear map, after which only a LogSoftmax or identities may
    /// follow.</summary>
    private LinearItem SplitOutput(List<ChainItem> items)
    {
        while (items.Count > 0 && items[^1] is LogSoftmaxItem or FunctionItem { Function.IsIdentity: true })
        {
            if (items[^1] is LogSoftmaxItem log)
                _notes.Add($"the final LogSoftmax ({log.Node.Name}) is left out: softmax cross-entropy of log-softmax(z) equals that of z");
            items.RemoveAt(items.Count - 1);
        }
        if (items.Count == 0 || items[^1] is not LinearItem last)
        {
            var node = items.Count > 0 ? items[^1].Node : null;
            throw OnnxImportException.InFile(_graph.Path, node is null
                ? "the graph has no linear map"
                : $"the graph must end with the linear map that produces the logits, but {node.Label} follows the last one " +
                  "(GradScope's error layer is softmax cross-entropy on the logits)");
        }
        items.RemoveAt(items.Count - 1);
        return last;
    }

    private List<PlannedBlock> Plan(List<ChainItem> items)
    {
        var blocks = new List<PlannedBlock>();
        var pending = new List<ChainItem>();
        PlannedBlock? current = null;
        foreach (var item in items)
        {
            switch (item)
            {
                case LinearItem:
                    current = new PlannedBlock([.. pending, item], null);
                    pending.Clear();
                    blocks.Add(current);
                    break;
                case ResidualItem residual:
                    if (pending.Count > 0)
                    {
                        if (blocks.Count == 0)
                            throw OnnxImportException.InFile(_graph.Path,
                                $"{pending[0].Node.Label} comes before the first residual unit with no linear map before it");
                        blocks.Add(new PlannedBlock([.. pending], null));
                        pending.Clear();
                    }
                    blocks.Add(new PlannedBlock([], residual));
                    current = null;
                    break;
                case LogSoftmaxItem:
                    throw OnnxImportException.InFile(_graph.Path, $"{item.Node.Label} is only accepted as the final op");
                default:
                    if (current is not null) current.Items.Add(item);
                    else pending.Add(item);
                    break;
            }
        }
        if (pending.Count > 0)
        {
            if (blocks.Count == 0)
                throw OnnxImportException.InFile(_graph.Path,
                    "the graph has no hidden linear map before its output layer; GradScope analyses networks with at least one block");
            blocks.Add(new PlannedBlock([.. pending], null));
        }
        if (blocks.Count == 0)
            throw OnnxImportException.InFile(_graph.Path,
                "the graph is a single linear map; GradScope analyses networks with at least one hidden layer");
        return blocks;
    }

    /// <summary>
    /// A block is named by the module its nodes share (<c>units.0</c>, <c>stem</c>), else by its linear map's module
    /// (<c>3</c> in an nn.Sequential). The residual trick identifies a block's parameters by the prefix "name.", so no
    /// block name may be a prefix of another's; if one is, every block falls back to <c>blocks.i</c>.
    /// </summary>
    private static void Name(List<PlannedBlock> blocks, LinearItem output)
    {
        var candidates = blocks.Select(b => CommonModule(b.Nodes.Select(n => n.ModulePath))).ToList();
        // Counted once, not compared pairwise: a hostile chain of 100,000 blocks must not take n² steps to name.
        var uses = candidates.CountBy(c => c, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        for (int i = 0; i < blocks.Count; i++)
        {
            string name = candidates[i];
            bool shared = uses[name] > 1 || name == output.Node.ModulePath;
            if (name.Length == 0 || shared)
            {
                var anchor = blocks[i].Residual?.Node ?? blocks[i].Items.OfType<LinearItem>().FirstOrDefault()?.Node
                    ?? blocks[i].Items[0].Node;
                name = anchor.ModulePath.Length > 0 ? anchor.ModulePath : anchor.Name;
            }
            blocks[i].Name = name;
        }
        var names = blocks.Select(b => b.Name).ToList();
        var distinct = names.ToHashSet(StringComparer.Ordinal);
        // A name clashes when another block's name is one of its dotted prefixes ("units" and "units.0").
        bool clash = distinct.Count != names.Count || names.Any(n => DottedPrefixes(n).Any(distinct.Contains));
        if (clash)
            for (int i = 0; i < blocks.Count; i++) blocks[i].Name = $"blocks.{i}";
    }

    /// <summary>"a", "a.b" for "a.b.c": every proper prefix that ends before a dot.</summary>
    private static IEnumerable<string> DottedPrefixes(string name)
    {
        for (int dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.', dot + 1)) yield return name[..dot];
    }

    private static string CommonModule(IEnumerable<string> paths)
    {
        string[]? common = null;
        foreach (var path in paths)
        {
            var parts = path.Split('.');
            if (common is null) { common = parts; continue; }
            int n = 0;
            while (n < common.Length && n < parts.Length && common[n] == parts[n]) n++;
            common = common[..n];
        }
        return common is null ? "" : string.Join('.', common);
    }

    private string OutputName(LinearItem output, List<PlannedBlock> blocks)
    {
        string name = output.Node.ModulePath.Length > 0 ? output.Node.ModulePath : "output";
        return blocks.Any(b => name == b.Name || name.StartsWith(b.Name + ".", StringComparison.Ordinal)) ? "output" : name;
    }

    private List<Layer<T>> Layers(string block, IReadOnlyList<ChainItem> items, ref int width, bool residual)
    {
        var layers = new List<Layer<T>>();
        foreach (var item in items)
        {
            string name = LayerName(block, item);
            var layer = item switch
            {
                LinearItem linear => CreateLinear(name, linear, ref width),
                NormItem norm => CreateNorm(name, norm, width),
                FunctionItem function => CreateActivation(name, function, width),
                _ => throw OnnxImportException.InFile(_graph.Path, $"{item.Node.Label} cannot stand inside a block"),
            };
            if (layer is not null) layers.Add(layer);
        }
        if (layers.Count == 0) throw OnnxImportException.InFile(_graph.Path,
            $"block '{block}' holds no layer{(residual ? " (empty residual branch)" : "")}");
        return layers;
    }

    /// <summary>Parameter layers need names under the block's prefix; activations keep the user's module path as is.</summary>
    private string LayerName(string block, ChainItem item)
    {
        string path = item.Node.ModulePath.Length > 0 ? item.Node.ModulePath : item.Node.Name;
        if (item is FunctionItem) return path;
        string kind = item is LinearItem ? "linear" : "norm";
        string name = path == block ? $"{block}.{kind}" : path.StartsWith(block + ".", StringComparison.Ordinal) ? path : $"{block}.{path}";
        string unique = name;
        for (int n = 2; !_layerNames.Add(unique); n++) unique = $"{name}#{n}";
        return unique;
    }

    private Layer<T> CreateLinear(string name, LinearItem item, ref int width)
    {
        if (item.In != width)
            throw OnnxImportException.InFile(_graph.Path, $"{item.Node.Label} maps {item.In} features but receives {width}");
        var linear = new Linear<T>(name, item.In, item.Out, _layout, withBias: item.Bias is not null);
        _values.Add((linear.WeightIndex, item.Weight, item.WeightSource));
        if (item.Bias is not null) _values.Add((linear.BiasIndex, item.Bias, item.BiasSource));
        else _notes.Add($"{item.Node.Name} has no bias");
        width = item.Out;
        return linear;
    }

    private Layer<T> CreateNorm(string name, NormItem item, int width)
    {
        if (item.Dim != width)
            throw OnnxImportException.InFile(_graph.Path, $"{item.Node.Label} normalises {item.Dim} units but receives {width}");
        if (!(item.Epsilon > 0 && double.IsFinite(item.Epsilon)))
            throw OnnxImportException.InFile(_graph.Path, $"{item.Node.Label} uses ε = {item.Epsilon:G6}; ε must be positive");
        if (item.Kind == ImportedNorm.Layer)
        {
            var norm = new LayerNorm<T>(name, item.Dim, _layout, item.Epsilon);
            _values.Add((norm.GainIndex, item.Gain, item.Sources[0]));
            _values.Add((norm.BiasIndex, item.Bias, item.Sources[1]));
            return norm;
        }
        var bn = new BatchNorm<T>(name, item.Dim, _layout, item.Epsilon);
        _values.Add((bn.GainIndex, item.Gain, item.Sources[0]));
        _values.Add((bn.BiasIndex, item.Bias, item.Sources[1]));
        _values.Add((bn.RunningMeanIndex, item.RunningMean!, item.Sources[2]));
        _values.Add((bn.RunningVarIndex, item.RunningVar!, item.Sources[3]));
        string note = _options.Mode == BatchNormMode.Train
            ? "batch norm uses the analysed batch's own statistics (--mode train, as in training; SPEC §2.2)"
            : "batch norm uses the model's running statistics (--mode eval, as model.eval())";
        if (!_notes.Contains(note)) _notes.Add(note);
        return _options.Mode == BatchNormMode.Eval ? new RunningStatisticsBatchNorm<T>(bn) : bn;
    }

    /// <summary>The zoo's own activation when the function is exactly one (same kernels, same numbers), else a scalar-function
    /// layer.</summary>
    private Layer<T>? CreateActivation(string name, FunctionItem item, int width)
    {
        var f = item.Function;
        if (f.IsIdentity)
            return item.Fused.Any(n => n.OpType == "Identity") ? ActivationFactory.Create<T>(ActivationKind.Linear, name, width) : null;
        if (f.AsSingleUnary() is { } unary)
        {
            if (unary.Op == UnaryOp.Relu) return ActivationFactory.Create<T>(ActivationKind.Relu, name, width);
            if (unary.Op == UnaryOp.Tanh) return ActivationFactory.Create<T>(ActivationKind.Tanh, name, width);
            if (unary.Op == UnaryOp.Selu && unary.P == ElementwiseRegion.SeluAlpha && unary.Q == ElementwiseRegion.SeluLambda)
                return ActivationFactory.Create<T>(ActivationKind.Selu, name, width);
        }
        return new ScalarFunctionLayer<T>(name, width, f);
    }

    /// <summary>The nearest zoo description of the imported network (kept by <see cref="Network{T}.Spec"/>; reports use the import's own
    /// name).</summary>
    private static ArchitectureSpec Describe(int inputDim, List<Block<T>> blocks, Linear<T> output)
    {
        var units = blocks.OfType<ResidualUnit<T>>().ToList();
        var layers = blocks.SelectMany(b => b.Layers).ToList();
        return new ArchitectureSpec
        {
            IsResidual = units.Count > 0,
            Normalization = layers.Any(l => l is BatchNorm<T> or RunningStatisticsBatchNorm<T>) ? NormKind.Batch
                : layers.Any(l => l is LayerNorm<T>) ? NormKind.Layer : NormKind.None,
            Activation = ActivationKind.Relu,
            Init = InitKind.Gauss,
            LinearLayers = Math.Max(1, blocks.Sum(b => b.LinearCount)),
            Width = blocks.Max(b => b.OutputDim),
            InputDim = inputDim,
            Classes = output.OutputDim,
            UnitSize = units.Count > 0 ? Math.Max(1, units.Max(u => u.LinearCount)) : 2,
            ResidualWeight = units.Count > 0 ? units[0].ResidualWeight : null,
        };
    }
}
