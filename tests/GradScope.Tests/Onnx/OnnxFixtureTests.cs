using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Onnx;
using GradScope.Tensors;

namespace GradScope.Tests.Onnx;

/// <summary>Imported PyTorch exports against PyTorch float64 references computed from SPEC's definitions.</summary>
public class OnnxFixtureTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "bn_relu_mlp", "train" }, { "bn_relu_mlp", "eval" }, { "ln_tanh_mlp", "train" }, { "ln_tanh_mlp_op17", "train" },
        { "residual_mlp", "train" }, { "selu_net", "train" }, { "odd_names", "train" }, { "view_flatten", "train" },
    };

    private static OnnxImportOptions Options(string mode) => new() { Mode = mode == "eval" ? BatchNormMode.Eval : BatchNormMode.Train };

    private static Matrix<T> Logits<T>(ImportedNetwork<T> model, Matrix<T> x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var tape = model.Network.CreateTape();
        model.Network.ForwardLogits(model.Parameters, x, tape, ForwardMode.Analyze);
        return tape.Logits;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_pass_matches_pytorch(string name, string mode)
    {
        var expected = OnnxFixtures.Rows(OnnxFixtures.Reference(name, mode)["logits"]!);
        var x = OnnxFixtures.InputMatrix(name);
        var inDouble = Logits(OnnxImporter.Import<double>(OnnxFixtures.Model(name), Options(mode)), x);
        var inFloat = Logits(OnnxImporter.Import<float>(OnnxFixtures.Model(name), Options(mode)), x.Convert<float>());
        Assert.Equal(expected.Length, inDouble.Rows);
        for (int r = 0; r < expected.Length; r++)
            for (int c = 0; c < expected[r].Length; c++)
            {
                Assert.True(Math.Abs(inDouble[r, c] - expected[r][c]) <= 1e-9 * (1 + Math.Abs(expected[r][c])), $"double [{r},{c}]");
                Assert.True(Math.Abs(inFloat[r, c] - expected[r][c]) <= 1e-5 * (1 + Math.Abs(expected[r][c])), $"float [{r},{c}]");
            }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gsc_profile_and_lambda_profile_match_the_pytorch_reference(string name, string mode)
    {
        var reference = OnnxFixtures.Reference(name, mode);
        var request = new ModelAnalysisRequest
        {
            ModelPath = OnnxFixtures.Model(name), InitOnnx = OnnxFixtures.Init(name),
            Inputs = OnnxFixtures.Inputs(name), Labels = OnnxFixtures.Labels(name), Mode = Options(mode).Mode,
        };
        var (_, report) = ModelAnalysis.Run(request, new DiagnosticsOptions());
        var gsc = OnnxFixtures.Doubles(reference["gsc_profile"]!);
        Assert.Equal(reference["blocks"]!.GetValue<int>(), report.Blocks);
        Assert.Equal(gsc.Length, report.Gsc.Profile.Count);
        for (int k = 0; k < gsc.Length; k++)
            Assert.True(Math.Abs(report.Gsc.Profile[k].Value / gsc[k] - 1) <= 1e-6,
                $"GSC({k + 1},0) = {report.Gsc.Profile[k].Value}, PyTorch {gsc[k]}");
        var lambda = OnnxFixtures.Doubles(reference["lambda_profile"]!);
        Assert.Equal(lambda.Length, report.LambdaProfile!.Count);
        for (int l = 0; l < lambda.Length; l++)
            Assert.True(Math.Abs(report.LambdaProfile[l] - lambda[l]) <= 1e-6 * Math.Max(lambda[l], 1e-3),
                $"C_{l} = {report.LambdaProfile[l]}, PyTorch {lambda[l]}");
        Assert.Equal(reference["effective_depth"]!.GetValue<int>(), report.EffectiveDepth);
        Assert.Equal($"onnx:{name}.onnx", report.Architecture);
    }

    [Fact]
    public void Blocks_and_layers_carry_the_users_module_names()
    {
        var residual = OnnxImporter.Import<double>(OnnxFixtures.Model("residual_mlp")).Network;
        Assert.Equal(["stem", "units.0", "units.1"], residual.Blocks.Select(b => b.Name));
        Assert.Equal("head", residual.Output.Name);
        Assert.Equal([1.0, 0.7], residual.Blocks.OfType<GradScope.Networks.ResidualUnit<double>>().Select(u => u.ResidualWeight));
        Assert.Equal("units.0.branch.0.weight", residual.Layout.Entries[residual.Blocks[1].Layers[0] is Linear<double> l ? l.WeightIndex
            : -1].Name);

        var odd = OnnxImporter.Import<double>(OnnxFixtures.Model("odd_names"));
        Assert.Equal(["Encoder_in", "hidden_layers.0", "hidden_layers.1", "hidden_layers.2"], odd.Network.Blocks.Select(b => b.Name));
        var activations = odd.Network.Blocks.Select(b => b.Layers[^1]).ToList();
        Assert.Equal(["act_in", "acts.0", "acts.1", "acts.2"], activations.Select(a => a.Name));
        Assert.Equal(["gelu (decomposed)", "leaky_relu[0.2]", "elu[1]", "sigmoid"], activations.Select(a => a.Describe()));
        Assert.Equal(-1, ((Linear<double>)odd.Network.Blocks[3].Layers[0]).BiasIndex);
        Assert.Contains(odd.Notes, n => n.Contains("has no bias", StringComparison.Ordinal));
    }

    [Fact]
    public void External_data_and_float64_weights_import_to_the_same_parameters()
    {
        var inline = OnnxImporter.Import<double>(OnnxFixtures.Model("selu_net"));
        var external = OnnxImporter.Import<double>(OnnxFixtures.Model("selu_net_external"));
        for (int i = 0; i < inline.Parameters.Count; i++) Assert.Equal(inline.Parameters[i].Span.ToArray(),
            external.Parameters[i].Span.ToArray());

        var f32 = OnnxImporter.Import<double>(OnnxFixtures.Model("bn_relu_mlp"));
        var f64 = OnnxImporter.Import<double>(OnnxFixtures.Model("bn_relu_mlp_f64"));
        for (int i = 0; i < f32.Parameters.Count; i++) Assert.Equal(f32.Parameters[i].Span.ToArray(), f64.Parameters[i].Span.ToArray());
    }

    [Fact]
    public void Initial_parameters_from_a_safetensors_state_dict_equal_those_of_the_initial_export()
    {
        var model = OnnxImporter.Import<double>(OnnxFixtures.Model("selu_net"));
        var fromOnnx = OnnxImporter.InitialFromOnnx(model, OnnxFixtures.Init("selu_net"));
        var fromState = OnnxImporter.InitialFromSafeTensors(model, OnnxFixtures.File("selu_net_init.safetensors"));
        for (int i = 0; i < fromOnnx.Count; i++) Assert.Equal(fromOnnx[i].Span.ToArray(), fromState[i].Span.ToArray());
        Assert.NotEqual(model.Parameters[0].Span.ToArray(), fromOnnx[0].Span.ToArray());
    }

    [Fact]
    public void Init_export_of_another_network_is_rejected()
    {
        var model = OnnxImporter.Import<double>(OnnxFixtures.Model("selu_net"));
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.InitialFromOnnx(model, OnnxFixtures.Init("bn_relu_mlp")));
        Assert.Contains("is not the same network as selu_net.onnx", e.Message);
    }
}
