using Google.Protobuf;
using GradScope.IO;
using GradScope.Onnx.Proto;

namespace GradScope.Onnx;

/// <summary>
/// An ONNX model read and checked: one graph input, one output, constants decoded, every value produced exactly once,
/// no dangling input, no cycle. Nodes are in topological order. Hostile files fail here with one line each.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>Opsets GradScope reads: 13–17 are what PyTorch 1.13 exports; up to 20 for the Gelu op.</summary>
    public const int MinOpset = 13, MaxOpset = 20;

    /// <summary>A protobuf message cannot exceed 2 GiB; larger weights belong in external data files.</summary>
    public const long MaxFileBytes = int.MaxValue;

    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);

    private OnnxGraph(string path) => Path = path;

    public string Path { get; }
    public int Opset { get; private set; }
    public string ProducerName { get; private set; } = "";
    public IReadOnlyList<OnnxNode> Nodes { get; private set; } = [];
    public IReadOnlyDictionary<string, OnnxTensor> Constants => _constants;
    private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);

    public string InputName { get; private set; } = "";
    /// <summary>Declared input shape; null for a symbolic (named or unknown) dimension.</summary>
    public IReadOnlyList<long?> InputShape { get; private set; } = [];
    public TensorProto.Types.DataType InputType { get; private set; }
    public string OutputName { get; private set; } = "";

    public bool IsConstant(string value) => _constants.ContainsKey(value);

    public OnnxNode? Producer(string value) => _producers.GetValueOrDefault(value);

    public IReadOnlyList<OnnxNode> Consumers(string value) => _consumers.TryGetValue(value, out var list) ? list : [];

    public static OnnxGraph Load(string path)
    {
        ModelProto model;
        // A directory, a device such as /dev/zero or a pipe fails here with one line, before anything is read.
        using (var stream = DataFileOpener.Open(path))
        {
            if (stream.Length > MaxFileBytes)
                throw OnnxImportException.InFile(path,
                    $"{stream.Length:N0} bytes is over the 2 GiB protobuf limit; store the weights as external data");
            // Nothing is read past the length the file reports: /dev/zero (length 0) is an empty file, not endless zeros.
            if (stream.Length == 0) throw OnnxImportException.InFile(path, "the file is empty");
            var bytes = new byte[stream.Length];
            try
            {
                stream.ReadExactly(bytes);
                model = ModelProto.Parser.ParseFrom(bytes);
            }
            catch (EndOfStreamException e)
            {
                throw OnnxImportException.InFile(path, "the file ended before its reported length (was it being written?)", e);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw OnnxImportException.InFile(path,
                    $"not a valid ONNX model (truncated or corrupt protobuf: {FirstLine(e.Message)})", e);
            }
        }
        return FromModel(model, path);
    }

    public static OnnxGraph FromModel(ModelProto model, string path)
    {
        var graph = new OnnxGraph(path) { ProducerName = model.ProducerName };
        if (model.Graph is null || model.Graph.Node.Count == 0) throw OnnxImportException.InFile(path, "the model holds no graph nodes");
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (opset is null) throw OnnxImportException.InFile(path, "the model imports no version of the default ONNX opset");
        graph.Opset = (int)opset.Version;
        if (graph.Opset < MinOpset || graph.Opset > MaxOpset)
            throw OnnxImportException.InFile(path, $"opset {graph.Opset} is not supported (GradScope reads opsets {MinOpset}–{MaxOpset}; " +
                $"export with torch.onnx.export(..., opset_version=13 to 17))");
        graph.Read(model.Graph);
        return graph;
    }

    private void Read(GraphProto proto)
    {
        foreach (var init in proto.Initializer)
        {
            if (_constants.ContainsKey(init.Name)) throw OnnxImportException.InFile(Path, $"initializer '{init.Name}' is defined twice");
            _constants[init.Name] = OnnxTensor.Decode(init, Path);
        }
        // Before IR version 4 initializers are also listed as graph inputs; the data input is the one that is not.
        var inputs = proto.Input.Where(i => !_constants.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw OnnxImportException.InFile(Path,
                $"the graph has {inputs.Count} data inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); " +
                "GradScope analyses networks with exactly one input batch");
        if (proto.Output.Count != 1)
            throw OnnxImportException.InFile(Path, $"the graph has {proto.Output.Count} outputs; GradScope needs exactly one (the logits)");
        ReadInput(inputs[0]);
        OutputName = proto.Output[0].Name;

        var nodes = proto.Node.Select((n, i) => new OnnxNode(n, i, Path)).ToList();
        var defined = new HashSet<string>(_constants.Keys, StringComparer.Ordinal) { InputName };
        var folded = new HashSet<OnnxNode>();
        foreach (var node in nodes)
        {
            if (node.OpType == "Constant" && node.Domain.Length == 0)
            {
                var value = node.ConstantValue() ?? throw OnnxImportException.InFile(Path, $"{node.Label} has no value GradScope can read");
                if (node.Outputs.Count != 1) throw OnnxImportException.InFile(Path, $"{node.Label} must have one output");
                if (!defined.Add(node.Outputs[0])) throw OnnxImportException.InFile(Path,
                    $"value '{node.Outputs[0]}' is produced twice (again by {node.Label})");
                _constants[node.Outputs[0]] = value;
                continue;
            }
            // PyTorch shares equal initializers through Identity nodes (fresh batch norms' running statistics): fold them.
            if (node.OpType == "Identity" && node.Domain.Length == 0 && node.Inputs.Count == 1 && node.Outputs.Count == 1
                && _constants.TryGetValue(node.Inputs[0], out var shared))
            {
                if (!defined.Add(node.Outputs[0])) throw OnnxImportException.InFile(Path,
                    $"value '{node.Outputs[0]}' is produced twice (again by {node.Label})");
                _constants[node.Outputs[0]] = shared.Renamed(node.Outputs[0]);
                folded.Add(node);
                continue;
            }
            foreach (string output in node.Outputs)
            {
                if (output.Length == 0) continue;
                if (!defined.Add(output)) throw OnnxImportException.InFile(Path,
                    $"value '{output}' is produced twice (again by {node.Label})");
                _producers[output] = node;
            }
        }
        nodes.RemoveAll(n => (n.OpType == "Constant" && n.Domain.Length == 0) || folded.Contains(n));
        foreach (var node in nodes)
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0) continue;
                if (!defined.Contains(input))
                    throw OnnxImportException.InFile(Path,
                        $"{node.Label} reads '{input}', which no node, initializer or graph input provides (dangling input)");
                if (_constants.ContainsKey(input)) continue;
                if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                if (!list.Contains(node)) list.Add(node);
            }
        if (!defined.Contains(OutputName)) throw OnnxImportException.InFile(Path,
            $"the graph output '{OutputName}' is produced by no node");
        Nodes = TopologicalOrder(nodes);
    }

    private void ReadInput(ValueInfoProto input)
    {
        InputName = input.Name;
        var tensor = input.Type?.TensorType;
        if (tensor is null) throw OnnxImportException.InFile(Path, $"graph input '{input.Name}' is not a tensor");
        InputType = (TensorProto.Types.DataType)tensor.ElemType;
        if (InputType is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double))
            throw OnnxImportException.InFile(Path,
                $"graph input '{input.Name}' has element type {InputType}; GradScope reads float32 or float64 inputs");
        if (tensor.Shape is null) throw OnnxImportException.InFile(Path, $"graph input '{input.Name}' declares no shape");
        InputShape = tensor.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue
            : (long?)null).ToList();
        if (InputShape.Count < 2)
            throw OnnxImportException.InFile(Path,
                $"graph input '{input.Name}' has rank {InputShape.Count}; GradScope needs a batch of examples (B × d, or B × … flattened)");
    }

    /// <summary>Kahn's algorithm on the data edges; a node left over lies on a cycle.</summary>
    private IReadOnlyList<OnnxNode> TopologicalOrder(List<OnnxNode> nodes)
    {
        var pending = nodes.ToDictionary(n => n, n => n.Inputs.Where(i => i.Length > 0 && _producers.ContainsKey(i)).Select(i
            => _producers[i]).Distinct().Count());
        var ready = new Queue<OnnxNode>(nodes.Where(n => pending[n] == 0));
        var order = new List<OnnxNode>();
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            order.Add(node);
            var next = node.Outputs.Where(o => o.Length > 0).SelectMany(Consumers).Distinct();
            foreach (var consumer in next)
                if (--pending[consumer] == 0) ready.Enqueue(consumer);
        }
        if (order.Count < nodes.Count)
        {
            var stuck = nodes.First(n => pending[n] > 0);
            throw OnnxImportException.InFile(Path, $"the graph has a cycle through {stuck.Label}");
        }
        return order;
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n');
        return (newline >= 0 ? message[..newline] : message).TrimEnd('.', ' ');
    }
}
