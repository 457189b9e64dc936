using Google.Protobuf;
using GradScope.Cli;
using GradScope.IO;
using GradScope.Onnx.Proto;
using GradScope.Tensors;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using GradScope.Tests.Onnx;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// Issue 15's classes re-opened by <c>analyze --model</c> (ONNX import and nn.Sequential state_dicts): each crafted case
/// through the real command line, with its exit code and the one line that names the file, the tensor and the index.
/// </summary>
public sealed class OnnxHostileCorpusTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Save(TestModels model, string name = "net.onnx") => model.Save(_temp.File(name));

    private static void SetFloat(TensorProto tensor, int index, float value)
    {
        var bytes = tensor.RawData.ToByteArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(4 * index), value);
        tensor.RawData = ByteString.CopyFrom(bytes);
    }

    private CliHarness.Outcome Refused(int code, string[] args, params string[] fragments)
    {
        string json = _temp.File("report.json");
        var result = CliAssert.Fails(code, [.. args, "--json", json], fragments);
        Assert.False(File.Exists(json), "a refused analysis left its report behind");
        return result;
    }

    // ---- Numbers from bad input -------------------------------------------------------------------------

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Non_finite_weight_is_refused_naming_tensor_and_index(float value, string shown)
    {
        var m = TestModels.Mlp();
        SetFloat(m.Graph.Initializer[0], 1 * TestModels.Features + 2, value); // fc1.weight is 3 × 4: element [1, 2]
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "net.onnx", "'fc1.weight'", "[1, 2]", shown,
            "finite");
    }

    [Fact]
    public void Non_finite_bias_given_as_float_data_is_refused()
    {
        var m = TestModels.Mlp();
        var bias = m.Graph.Initializer[1];
        bias.ClearRawData();
        bias.FloatData.AddRange([0.1f, float.NegativeInfinity, 0.1f]);
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "'fc1.bias'", "[1]", "finite");
    }

    [Fact]
    public void Non_finite_activation_attribute_is_refused_naming_the_node()
    {
        var m = TestModels.Mlp((t, a) => t.Node("LeakyRelu", "/leaky/LeakyRelu", [a], "m").Attribute.Add(
            new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = float.NaN }));
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "'/leaky/LeakyRelu' (LeakyRelu)", "alpha",
            "finite");
    }

    [Fact]
    public void Non_finite_constant_node_is_refused()
    {
        var m = TestModels.Mlp((t, a) =>
        {
            t.Node("Constant", "/scale/Constant", [], "s").Attribute.Add(
                new AttributeProto { Name = "value_float", Type = AttributeProto.Types.AttributeType.Float, F = float.NaN });
            t.Node("Mul", "/scale/Mul", [a, "s"], "m");
        });
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "'/scale/Constant'", "finite");
    }

    [Fact]
    public void Negative_running_variance_in_an_export_is_refused()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(OnnxFixtures.Model("bn_relu_mlp")));
        var variance = model.Graph.Initializer.First(t => t.Name.EndsWith("running_var", StringComparison.Ordinal));
        var bytes = variance.RawData.ToByteArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(4 * 2), -0.25f);
        variance.RawData = ByteString.CopyFrom(bytes);
        string path = _temp.File("bn.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        Refused(ExitCodes.DataError, ["analyze", "--model", path, "--noise", "4", "--mode", "eval"], "bn.onnx",
            $"'{variance.Name}'", "negative variance", "index 2");
    }

    [Fact]
    public void Non_finite_theta0_in_an_init_export_is_refused()
    {
        string model = Save(TestModels.Mlp());
        var init = TestModels.Mlp();
        SetFloat(init.Graph.Initializer[2], 0, float.NaN);
        Refused(ExitCodes.DataError, ["analyze", "--model", model, "--init", Save(init, "init.onnx"), "--noise", "4"], "init.onnx",
            "'out.weight'", "finite");
    }

    [Theory]
    [InlineData("bn_relu_mlp_state_init.safetensors", "--init-safetensors")]
    [InlineData("bn_relu_mlp_state.safetensors", "--model")]
    public void Non_finite_state_dict_tensor_is_refused(string file, string option)
    {
        string path = _temp.File(file);
        File.Copy(OnnxFixtures.File(file), path);
        CheckpointSurgery.Edit(path, "3.weight", t =>
        {
            var data = (float[])t.Data.Clone();
            data[5] = float.NaN;
            return t with { Data = data };
        });
        string model = option == "--model" ? path : OnnxFixtures.File("bn_relu_mlp_state.safetensors");
        string[] args = ["analyze", "--model", model, "--arch", "batch-relu", "--noise", "4"];
        if (option != "--model") args = [.. args, option, path];
        Refused(ExitCodes.DataError, args, file, "NaN", "index 5", "finite");
    }

    [Fact]
    public void Negative_running_variance_in_a_state_dict_is_refused()
    {
        string path = _temp.File("state.safetensors");
        File.Copy(OnnxFixtures.File("bn_relu_mlp_state.safetensors"), path);
        CheckpointSurgery.Edit(path, "4.running_var", t =>
        {
            var data = (float[])t.Data.Clone();
            data[1] = -1;
            return t with { Data = data };
        });
        Refused(ExitCodes.DataError, ["analyze", "--model", path, "--arch", "batch-relu", "--noise", "4"], "state.safetensors",
            "running_var", "negative variance");
    }

    [Fact]
    public void Non_finite_inputs_for_a_model_are_refused_like_for_a_zoo_network()
    {
        var x = new Matrix<float>(4, TestModels.Features);
        x[2, 3] = float.PositiveInfinity;
        string inputs = _temp.File("x.npy");
        Npy.WriteMatrix(inputs, x);
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(TestModels.Mlp()), "--inputs", inputs], "x.npy", "element (2, 3)",
            "finite");
    }

    // ---- Unclear: the same data defect gives the same code on every path -----------------------------------

    [Fact]
    public void Label_outside_the_models_classes_is_a_data_error_as_for_a_zoo_network()
    {
        var x = new Matrix<float>(3, TestModels.Features);
        string inputs = _temp.File("x.npy"), labels = _temp.File("y.npy");
        Npy.WriteMatrix(inputs, x);
        Npy.WriteInt64(labels, new long[] { 0, 1, 7 });
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(TestModels.Mlp()), "--inputs", inputs, "--labels", labels], "y.npy",
            "label 7", "[0, 2)");
    }

    [Fact]
    public void Label_count_that_disagrees_with_the_inputs_is_a_data_error()
    {
        var x = new Matrix<float>(3, TestModels.Features);
        string inputs = _temp.File("x.npy"), labels = _temp.File("y.npy");
        Npy.WriteMatrix(inputs, x);
        Npy.WriteInt64(labels, new long[] { 0, 1 });
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(TestModels.Mlp()), "--inputs", inputs, "--labels", labels], "y.npy",
            "2 labels for 3 inputs");
    }

    [Fact]
    public void Node_name_with_a_newline_stays_one_line()
    {
        var m = TestModels.Mlp((t, a) => t.Node("Sin", "/evil\nname/Sin", [a], "m"));
        var result = Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "evil\\nname");
        Assert.DoesNotContain("\nname", result.Error);
    }

    // ---- Files of 2 GB and more (sparse files: no disk, nothing large read) ---------------------------------

    [Fact]
    public void Model_file_over_the_2_GiB_protobuf_limit_is_refused_without_reading_it()
    {
        string path = _temp.File("huge.onnx");
        using (var stream = File.Create(path)) stream.SetLength(GradScope.Onnx.OnnxGraph.MaxFileBytes + 1);
        Refused(ExitCodes.DataError, ["analyze", "--model", path, "--noise", "4"], "huge.onnx", "2 GiB protobuf limit", "external data");
    }

    [Fact]
    public void External_weights_beyond_2_GB_into_their_file_are_read()
    {
        var m = TestModels.Mlp();
        var weight = m.Graph.Initializer[0];
        byte[] values = weight.RawData.ToByteArray();
        const long offset = (1L << 31) + 4096;
        using (var stream = File.Create(_temp.File("weights.bin")))
        {
            stream.SetLength(offset);
            stream.Position = offset;
            stream.Write(values);
        }
        weight.ClearRawData();
        weight.DataLocation = TensorProto.Types.DataLocation.External;
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        weight.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = $"{offset}" });
        var model = GradScope.Onnx.OnnxImporter.Import<double>(Save(m));
        var imported = model.Parameters[0].Span;
        for (int i = 0; i < imported.Length; i++) Assert.Equal(BitConverter.ToSingle(values, 4 * i), (float)imported[i]);
    }

    // ---- Crashes -----------------------------------------------------------------------------------------

    [Fact]
    public void Long_run_of_element_wise_ops_is_refused_not_a_stack_overflow()
    {
        var m = TestModels.Mlp((t, a) =>
        {
            string value = a;
            for (int i = 0; i < 100_000; i++) t.Node("Relu", $"/r{i}/Relu", [value], value = i == 99_999 ? "m" : $"r{i}");
        });
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "100,001 element-wise ops", "at most 256");
    }

    [Fact]
    public void Activation_that_squares_itself_sixty_times_is_refused_not_a_hang()
    {
        var m = TestModels.Mlp((t, a) =>
        {
            string value = a;
            for (int i = 0; i < 60; i++) t.Node("Mul", $"/sq{i}/Mul", [value, value], value = i == 59 ? "m" : $"sq{i}");
        });
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "scalar operations per element", "at most 4,096");
    }

    [Fact]
    public void Dev_zero_as_model_is_a_data_error_not_out_of_memory()
    {
        if (!File.Exists("/dev/zero")) return;
        Refused(ExitCodes.DataError, ["analyze", "--model", "/dev/zero", "--noise", "4"], "zero", "empty");
    }

    [Fact]
    public void Directory_as_model_says_it_is_a_directory() =>
        Refused(ExitCodes.DataError, ["analyze", "--model", _temp.Path, "--noise", "4"], "is a directory");

    [Fact]
    public void Truncated_model_file_names_it()
    {
        var bytes = File.ReadAllBytes(OnnxFixtures.Model("bn_relu_mlp"));
        string path = _temp.File("cut.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 7)]);
        Refused(ExitCodes.DataError, ["analyze", "--model", path, "--noise", "4"], "cut.onnx");
    }

    [Theory]
    [InlineData(1L << 40, "features per example")]
    [InlineData(1L << 30, "receives")]
    public void Huge_input_dimension_in_the_header_is_refused_before_allocation(long features, string says)
    {
        var m = TestModels.Mlp();
        m.Graph.Input[0] = TestModels.Value("input", [-1, features]);
        Refused(ExitCodes.DataError, ["analyze", "--model", Save(m), "--noise", "4"], "net.onnx", says);
    }

    [Fact]
    public void Huge_noise_batch_for_a_model_says_how_much_memory_it_would_need() =>
        Refused(ExitCodes.InvalidArguments, ["analyze", "--model", Save(TestModels.Mlp()), "--noise", "2000000000"], "would need",
            "Gaussian-noise");

    [Fact]
    public void Tensors_that_together_exceed_memory_are_refused_before_decoding()
    {
        // Within the per-tensor limit, but decoding 2^28 doubles (2 GiB) must pass the memory budget before allocating.
        var m = TestModels.Mlp();
        var big = new TensorProto { Name = "big", DataType = (int)TensorProto.Types.DataType.Float };
        big.Dims.AddRange([1L << 14, 1L << 14]);
        big.FloatData.Add(0f);
        m.Graph.Initializer.Add(big);
        // The suite runs under a 2 GB cap (TestMemoryLimit), so 2 GiB of doubles is refused on every machine.
        Refused(ExitCodes.InvalidArguments, ["analyze", "--model", Save(m), "--noise", "4"], "tensor 'big'", "would need");
    }
}
