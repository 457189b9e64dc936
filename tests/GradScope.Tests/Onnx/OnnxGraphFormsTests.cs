using GradScope.Layers;
using GradScope.Onnx;
using GradScope.Onnx.Proto;
using GradScope.Tensors;
using GradScope.Tests.Data;

namespace GradScope.Tests.Onnx;

/// <summary>Equivalent spellings of the same network import to the same function.</summary>
public class OnnxGraphFormsTests
{
    private static double[] Logits(string path, Matrix<double> x)
    {
        var model = OnnxImporter.Import<double>(path);
        var tape = model.Network.CreateTape();
        model.Network.ForwardLogits(model.Parameters, x, tape, ForwardMode.Analyze);
        return tape.Logits.Span.ToArray();
    }

    private static Matrix<double> Batch()
    {
        var x = new Matrix<double>(5, TestModels.Features);
        var rng = new Rng(3);
        foreach (ref var v in x.Span) v = rng.NextGaussian();
        return x;
    }

    [Fact]
    public void MatMul_with_transposed_weight_and_Add_bias_equals_Gemm()
    {
        using var temp = new TempDirectory();
        var gemm = TestModels.Mlp();
        var matmul = TestModels.Mlp();
        // fc1 as MatMul(x, Wᵀ) + b: store the transpose (in × out) under another name.
        var w = gemm.Graph.Initializer[0];
        var values = new float[3 * TestModels.Features];
        Buffer.BlockCopy(w.RawData.ToByteArray(), 0, values, 0, values.Length * 4);
        var transposed = new float[values.Length];
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < TestModels.Features; i++) transposed[i * 3 + o] = values[o * TestModels.Features + i];
        var bytes = new byte[transposed.Length * 4];
        Buffer.BlockCopy(transposed, 0, bytes, 0, bytes.Length);
        var wt = new TensorProto { Name = "onnx::MatMul_7", DataType = (int)TensorProto.Types.DataType.Float,
            RawData = Google.Protobuf.ByteString.CopyFrom(bytes) };
        wt.Dims.AddRange([TestModels.Features, 3]);
        matmul.Graph.Initializer.Add(wt);

        matmul.Graph.Node.RemoveAt(0);
        matmul.Graph.Node.Insert(0, new NodeProto { OpType = "Add", Name = "/fc1/Add", Input = { "mm", "fc1.bias" }, Output = { "h" } });
        matmul.Graph.Node.Insert(0,
            new NodeProto { OpType = "MatMul", Name = "/fc1/MatMul", Input = { "input", "onnx::MatMul_7" }, Output = { "mm" } });
        var x = Batch();
        var expected = Logits(gemm.Save(temp.File("gemm.onnx")), x);
        Assert.Equal(expected, Logits(matmul.Save(temp.File("matmul.onnx")), x));
        var model = OnnxImporter.Import<double>(temp.File("matmul.onnx"));
        Assert.Equal("fc1.weight", model.Sources[0]!.StateDictName);
        Assert.True(model.Sources[0]!.Transposed);
    }

    [Fact]
    public void Reshape_of_a_rank_3_input_to_batch_by_features_is_accepted()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp();
        m.Graph.Input[0] = TestModels.Value("input", [-1, 2, 2]);
        var shape = new TensorProto { Name = "shape", DataType = (int)TensorProto.Types.DataType.Int64 };
        shape.Dims.Add(2);
        shape.Int64Data.AddRange([-1, TestModels.Features]);
        m.Graph.Initializer.Add(shape);
        m.Graph.Node[0].Input[0] = "flat";
        m.Graph.Node.Insert(0,
            new NodeProto { OpType = "Reshape", Name = "/flat/Reshape", Input = { "input", "shape" }, Output = { "flat" } });
        var x = Batch();
        Assert.Equal(Logits(TestModels.Mlp().Save(temp.File("plain.onnx")), x), Logits(m.Save(temp.File("reshape.onnx")), x));
    }

    [Fact]
    public void Element_wise_tail_of_a_branch_and_a_block_after_the_add()
    {
        // x → fc1 → relu → [h + 0.5·relu(fc2(h))] → tanh → out: the tanh after the Add is a block without a linear map.
        using var temp = new TempDirectory();
        var m = TestModels.Mlp((t, a) =>
        {
            t.Weight("fc2.weight", 3, 3).Weight("fc2.bias", 3, 0);
            t.Node("Gemm", "/unit/fc2/Gemm", [a, "fc2.weight", "fc2.bias"], "b1").Attribute.Add(TestModels.TransB());
            t.Node("Relu", "/unit/act/Relu", ["b1"], "b2");
            var half = new TensorProto { Name = "half", DataType = (int)TensorProto.Types.DataType.Float };
            half.FloatData.Add(0.5f);
            t.Graph.Initializer.Add(half);
            t.Node("Mul", "/unit/Mul", ["b2", "half"], "b3");
            t.Node("Add", "/unit/Add", [a, "b3"], "s");
            t.Node("Tanh", "/post/Tanh", ["s"], "m");
        });
        var model = OnnxImporter.Import<double>(m.Save(temp.File("unit.onnx")));
        var blocks = model.Network.Blocks;
        Assert.Equal(["fc1", "unit", "post"], blocks.Select(b => b.Name));
        var unit = Assert.IsType<GradScope.Networks.ResidualUnit<double>>(blocks[1]);
        Assert.Equal(0.5, unit.ResidualWeight);
        Assert.Equal("relu", unit.Layers[^1].Describe());
        Assert.Equal(0, blocks[2].LinearCount);
    }
}
