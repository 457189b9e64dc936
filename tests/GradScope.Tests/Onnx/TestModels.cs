using Google.Protobuf;
using GradScope.Onnx.Proto;

namespace GradScope.Tests.Onnx;

/// <summary>Small hand-made ONNX graphs for the error paths: input "input" (B × <see cref="Features"/>), output "logits".</summary>
internal sealed class TestModels
{
    public const int Features = 4;

    public ModelProto Model { get; } = new() { IrVersion = 8, ProducerName = "tests" };
    public GraphProto Graph => Model.Graph;

    public TestModels(int opset = 13, params long[] inputShape)
    {
        Model.Graph = new GraphProto { Name = "test" };
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        Graph.Input.Add(Value("input", inputShape.Length > 0 ? inputShape : [-1, Features]));
        Graph.Output.Add(Value("logits", [-1, 2]));
    }

    public static ValueInfoProto Value(string name, long[] shape)
    {
        var s = new TensorShapeProto();
        foreach (long d in shape)
            s.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" }
                : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = s } },
        };
    }

    public TestModels Weight(string name, int rows, int cols, float value = 0.1f)
    {
        int count = cols == 0 ? rows : rows * cols;
        var bytes = new byte[count * 4];
        for (int i = 0; i < count; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), value * (1 + i % 3));
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(cols == 0 ? [rows] : [rows, cols]);
        Graph.Initializer.Add(t);
        return this;
    }

    public NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>input → Gemm(4→3) → Relu → Gemm(3→2) = logits, with <paramref name="middle"/> between the Relu and the output
    /// Gemm.</summary>
    public static TestModels Mlp(Action<TestModels, string>? middle = null, int opset = 13)
    {
        var m = new TestModels(opset).Weight("fc1.weight", 3, Features).Weight("fc1.bias", 3, 0).Weight("out.weight", 2,
            3).Weight("out.bias", 2, 0);
        m.Node("Gemm", "/fc1/Gemm", ["input", "fc1.weight", "fc1.bias"], "h").Attribute.Add(TransB());
        m.Node("Relu", "/act/Relu", ["h"], "a");
        string last = "a";
        if (middle is not null) { middle(m, "a"); last = "m"; }
        m.Node("Gemm", "/out/Gemm", [last, "out.weight", "out.bias"], "logits").Attribute.Add(TransB());
        return m;
    }

    public static AttributeProto TransB() => new() { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 };

    public string Save(string path)
    {
        File.WriteAllBytes(path, Model.ToByteArray());
        return path;
    }
}
