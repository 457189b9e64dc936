using Google.Protobuf;
using GradScope.Cli;
using GradScope.Onnx;
using GradScope.Onnx.Proto;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;

namespace GradScope.Tests.Onnx;

/// <summary>Corrupt, hostile and unsupported ONNX files: one line on stderr, exit code 3, no report written.</summary>
public class OnnxHostileTests
{
    private static void AssertRejected(string model, params string[] phrases)
    {
        using var temp = new TempDirectory();
        string json = temp.File("report.json");
        var result = CliHarness.Run("analyze", "--model", model, "--noise", "4", "--json", json);
        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        string error = result.Error.TrimEnd();
        Assert.StartsWith("gradscope: error:", error);
        Assert.DoesNotContain('\n', error);
        foreach (var phrase in phrases) Assert.Contains(phrase, error);
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void A_well_formed_hand_made_model_is_accepted()
    {
        using var temp = new TempDirectory();
        var result = CliHarness.Run("analyze", "--model", TestModels.Mlp().Save(temp.File("ok.onnx")), "--noise", "4");
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
    }

    [Fact]
    public void Truncated_protobuf()
    {
        using var temp = new TempDirectory();
        var bytes = File.ReadAllBytes(OnnxFixtures.Model("residual_mlp"));
        File.WriteAllBytes(temp.File("cut.onnx"), bytes[..(bytes.Length / 2)]);
        AssertRejected(temp.File("cut.onnx"), "cut.onnx", "not a valid ONNX model");
    }

    [Fact]
    public void Random_bytes()
    {
        using var temp = new TempDirectory();
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(temp.File("noise.onnx"), bytes);
        AssertRejected(temp.File("noise.onnx"), "noise.onnx");
    }

    [Fact]
    public void Tensor_declaring_two_gigabytes()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp();
        var huge = new TensorProto { Name = "huge", DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(new byte[16]) };
        huge.Dims.AddRange([1L << 19, 1L << 10]); // 2^29 float32 = 2 GiB declared, 16 bytes present
        m.Graph.Initializer.Add(huge);
        AssertRejected(m.Save(temp.File("huge.onnx")), "tensor 'huge'", "limit");
    }

    [Fact]
    public void Tensor_whose_data_is_shorter_than_its_shape()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp();
        m.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[8]);
        AssertRejected(m.Save(temp.File("short.onnx")), "fc1.weight", "holds 8 bytes");
    }

    [Fact]
    public void External_data_outside_the_model_directory()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp();
        var w = m.Graph.Initializer[0];
        w.ClearRawData();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" });
        AssertRejected(m.Save(temp.File("escape.onnx")), "must be a file next to the model");
    }

    [Fact]
    public void External_data_declaring_two_gigabytes_beyond_its_file()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.File("w.bin"), new byte[64]);
        var m = TestModels.Mlp();
        var w = m.Graph.Initializer[0];
        w.ClearRawData();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "2147483648" });
        AssertRejected(m.Save(temp.File("far.onnx")), "lie outside 'w.bin'");
    }

    [Fact]
    public void Cycle()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp((t, a) =>
        {
            t.Node("Add", "/loop/Add", [a, "c"], "b");
            t.Node("Relu", "/loop/Relu", ["b"], "c");
            t.Node("Identity", "/loop/Identity", ["c"], "m");
        });
        AssertRejected(m.Save(temp.File("cycle.onnx")), "cycle");
    }

    [Fact]
    public void Dangling_input()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp((t, a) => t.Node("Add", "/skip/Add", [a, "ghost"], "m"));
        AssertRejected(m.Save(temp.File("dangling.onnx")), "'/skip/Add' (Add)", "'ghost'", "dangling");
    }

    [Fact]
    public void Unsupported_op_names_node_op_and_what_is_supported()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp((t, a) => t.Node("Sin", "/weird/Sin", [a], "m"));
        AssertRejected(m.Save(temp.File("sin.onnx")), "node '/weird/Sin' (Sin)", "is not supported", "supported: Gemm");
    }

    [Fact]
    public void Control_flow()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp((t, a) =>
        {
            var node = t.Node("If", "/branch/If", [a], "m");
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph,
                G = new GraphProto() });
        });
        AssertRejected(m.Save(temp.File("if.onnx")), "'/branch/If' (If)", "control flow");
    }

    [Fact]
    public void Integer_weights()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp();
        var w = m.Graph.Initializer[0];
        w.DataType = (int)TensorProto.Types.DataType.Int8;
        AssertRejected(m.Save(temp.File("int8.onnx")), "'/fc1/Gemm' (Gemm)", "Int8", "only float32 and float64 weights");
    }

    [Fact]
    public void Input_that_is_not_batch_by_features()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp();
        m.Graph.Input[0] = TestModels.Value("input", [-1, 2, 2]);
        AssertRejected(m.Save(temp.File("rank3.onnx")), "rank 3", "B × d");
    }

    [Fact]
    public void Per_unit_constant_in_an_element_wise_op()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp((t, a) => { t.Weight("scale", 3, 0); t.Node("Mul", "/scale/Mul", [a, "scale"], "m"); });
        AssertRejected(m.Save(temp.File("scale.onnx")), "'/scale/Mul' (Mul)", "scalar constants");
    }

    [Fact]
    public void Old_opset()
    {
        using var temp = new TempDirectory();
        AssertRejected(TestModels.Mlp(opset: 9).Save(temp.File("old.onnx")), "opset 9 is not supported");
    }

    [Fact]
    public void Final_softmax_is_refused_but_final_log_softmax_is_dropped()
    {
        using var temp = new TempDirectory();
        var m = TestModels.Mlp();
        m.Graph.Node[^1].Output[0] = "z";
        m.Node("Softmax", "/probs/Softmax", ["z"], "logits");
        AssertRejected(m.Save(temp.File("softmax.onnx")), "Softmax", "without its final Softmax");
        m.Graph.Node[^1].OpType = "LogSoftmax";
        var model = OnnxImporter.Import<double>(m.Save(temp.File("logsoftmax.onnx")));
        Assert.Contains(model.Notes, n => n.Contains("LogSoftmax", StringComparison.Ordinal));
    }
}
