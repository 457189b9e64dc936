using System.Globalization;
using GradScope.Onnx.Proto;

namespace GradScope.Onnx;

/// <summary>One node of an imported graph: op type, named inputs and outputs, attributes, and the name the user knows it by.</summary>
public sealed class OnnxNode
{
    private readonly Dictionary<string, AttributeProto> _attributes;
    private readonly string _path;

    internal OnnxNode(NodeProto proto, int index, string modelPath)
    {
        _path = modelPath;
        Index = index;
        OpType = proto.OpType;
        Domain = proto.Domain is "" or "ai.onnx" ? "" : proto.Domain;
        Name = proto.Name.Length > 0 ? proto.Name : $"{proto.OpType}_{index}";
        Inputs = proto.Input.ToArray();
        Outputs = proto.Output.ToArray();
        _attributes = new Dictionary<string, AttributeProto>(StringComparer.Ordinal);
        foreach (var a in proto.Attribute) _attributes[a.Name] = a;
        ModulePath = ModulePathOf(Name, OpType);
    }

    public int Index { get; }
    public string OpType { get; }
    /// <summary>"" for the default ONNX domain.</summary>
    public string Domain { get; }
    /// <summary>The node's name, e.g. <c>/units.0/branch/branch.2/Gemm</c> (PyTorch ≥ 1.13 scopes), or op_index when unnamed.</summary>
    public string Name { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    /// <summary>The PyTorch module path the node came from (<c>units.0.branch.2</c>), or the node name when it has no scopes.</summary>
    public string ModulePath { get; }

    /// <summary>"node '/1/Relu' (Relu)": how errors name a node.</summary>
    public string Label => $"node '{Name}' ({(Domain.Length > 0 ? Domain + "." : "")}{OpType})";

    public bool HasAttribute(string name) => _attributes.ContainsKey(name);

    public bool HasSubgraph => _attributes.Values.Any(a => a.G is not null || a.Graphs.Count > 0);

    /// <summary>A float attribute (a slope, ε, α); a NaN or infinite one is refused, naming the node.</summary>
    public double Float(string name, double fallback)
    {
        if (!_attributes.TryGetValue(name, out var a)) return fallback;
        if (!float.IsFinite(a.F))
            throw OnnxImportException.InFile(_path,
                $"{Label} has attribute {name} = {a.F.ToString(CultureInfo.InvariantCulture)}; it must be finite");
        return OnnxTensor.Decimal(a.F);
    }

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;

    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

    public string? String(string name) => _attributes.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : null;

    /// <summary>The tensor value of a Constant node (value, value_float(s), value_int(s)).</summary>
    internal OnnxTensor? ConstantValue()
    {
        string output = Outputs.Count > 0 ? Outputs[0] : Name;
        if (_attributes.TryGetValue("value", out var v) && v.T is not null) return OnnxTensor.Decode(v.T, _path, output);
        if (_attributes.TryGetValue("value_float", out var f)) return OnnxTensor.FromFloats(output, [], [Float("value_float", 0)]);
        if (_attributes.TryGetValue("value_floats", out var fs))
        {
            double[] values = fs.Floats.Select(x => (double)x).ToArray();
            OnnxTensor.RequireFinite(values, [values.Length], _path, $"{Label} value_floats");
            return OnnxTensor.FromFloats(output, [fs.Floats.Count], values);
        }
        if (_attributes.TryGetValue("value_int", out var i)) return OnnxTensor.FromIntegers(output, [], [i.I]);
        if (_attributes.TryGetValue("value_ints", out var ints)) return OnnxTensor.FromIntegers(output, [ints.Ints.Count],
            ints.Ints.ToArray());
        return null;
    }

    /// <summary>
    /// PyTorch ≥ 1.13 names nodes by module scopes, one segment per level, a list child repeating its parent's name:
    /// <c>/units.0/branch/branch.2/Gemm</c> is module <c>units.0.branch.2</c>. A name without scopes is kept whole.
    /// </summary>
    internal static string ModulePathOf(string name, string opType)
    {
        if (!name.StartsWith('/')) return name;
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2) return name.Trim('/');
        string path = "", previous = "";
        for (int s = 0; s < segments.Length - 1; s++)
        {
            string segment = segments[s];
            string part = previous.Length > 0 && segment.StartsWith(previous + ".", StringComparison.Ordinal)
                ? segment[(previous.Length + 1)..]
                : segment;
            path = path.Length == 0 ? part : $"{path}.{part}";
            previous = segment;
        }
        return path;
    }

    public override string ToString() => Label;

    internal static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
