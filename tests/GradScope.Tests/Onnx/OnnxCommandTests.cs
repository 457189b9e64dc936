using System.Text.Json.Nodes;
using GradScope.Cli;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;

namespace GradScope.Tests.Onnx;

/// <summary>The command lines of docs/own-models.md: export, analyze --model, and the nn.Sequential state_dict path.</summary>
public class OnnxCommandTests
{
    private static JsonObject Report(string path, params string[] drop)
    {
        var report = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var key in drop.Concat(["timings_ms", "architecture", "description", "epoch"])) report.Remove(key);
        return report;
    }

    private static void Run(params string[] args)
    {
        var result = CliHarness.Run(args);
        Assert.True(result.ExitCode == ExitCodes.Success, $"{string.Join(' ', args)}: {result.Error}");
    }

    [Theory]
    [InlineData("batch-relu", "7")]
    [InlineData("resnet-layer-tanh", "9")] // 4 units: w_r = 1/2, exact in float32
    [InlineData("selu-orth", "6")]
    [InlineData("linear", "5")]
    public void Init_export_import_gives_the_identical_report(string arch, string depth)
    {
        using var temp = new TempDirectory();
        string ckpt = temp.File("net.safetensors"), onnx = temp.File("net.onnx"), onnx0 = temp.File("net0.onnx");
        Run("init", "--arch", arch, "--depth", depth, "--width", "10", "--input-dim", "6", "--classes", "3", "--seed", "5", "--out", ckpt);
        Run("export", "--checkpoint", ckpt, "--onnx", onnx);
        Run("export", "--checkpoint", ckpt, "--onnx", onnx0, "--initial");
        Run("analyze", "--checkpoint", ckpt, "--noise", "12", "--json", temp.File("zoo.json"));
        Run("analyze", "--model", onnx, "--init", onnx0, "--noise", "12", "--json", temp.File("onnx.json"));
        var zoo = Report(temp.File("zoo.json"));
        var imported = Report(temp.File("onnx.json"));
        Assert.True(JsonNode.DeepEquals(zoo, imported), $"zoo:\n{zoo}\nimported:\n{imported}");
        Assert.NotEmpty(zoo["gsc"]!["profile"]!.AsArray());
    }

    [Fact]
    public void Model_report_names_the_file_and_says_when_theta0_is_missing()
    {
        using var temp = new TempDirectory();
        string json = temp.File("r.json");
        Run("analyze", "--model", OnnxFixtures.Model("residual_mlp"), "--inputs", OnnxFixtures.Inputs("residual_mlp"), "--json", json);
        var report = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal("onnx:residual_mlp.onnx", report["architecture"]!.GetValue<string>());
        Assert.Contains("no θ⁰ given", report["description"]!.GetValue<string>());
        Assert.Null(report["effective_depth"]);
        Assert.Equal(["units.1", "units.0"], report["dilution"]!.AsArray().Select(d => d!["block"]!.GetValue<string>()));
    }

    [Fact]
    public void Sequential_state_dict_with_arch_matches_the_pytorch_reference()
    {
        using var temp = new TempDirectory();
        string json = temp.File("r.json");
        Run("analyze", "--model", OnnxFixtures.File("bn_relu_mlp_state.safetensors"), "--arch", "batch-relu",
            "--init-safetensors", OnnxFixtures.File("bn_relu_mlp_state_init.safetensors"),
            "--inputs", OnnxFixtures.Inputs("bn_relu_mlp"), "--labels", OnnxFixtures.Labels("bn_relu_mlp"), "--json", json);
        var report = JsonNode.Parse(File.ReadAllText(json))!;
        var reference = OnnxFixtures.Reference("bn_relu_mlp", "train");
        var gsc = OnnxFixtures.Doubles(reference["gsc_profile"]!);
        var measured = report["gsc"]!["profile"]!.AsArray().Select(p => p!["value"]!.GetValue<double>()).ToArray();
        Assert.Equal(gsc.Length, measured.Length);
        for (int k = 0; k < gsc.Length; k++) Assert.True(Math.Abs(measured[k] / gsc[k] - 1) <= 1e-6, $"k = {k + 1}");
        Assert.Equal(reference["effective_depth"]!.GetValue<int>(), report["effective_depth"]!.GetValue<int>());
        Assert.Equal("batch-relu", report["architecture"]!.GetValue<string>());
    }

    [Fact]
    public void State_dict_of_another_family_is_rejected()
    {
        var result = CliHarness.Run("analyze", "--model", OnnxFixtures.File("bn_relu_mlp_state.safetensors"), "--arch", "layer-relu",
            "--noise", "4");
        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.Contains("running_mean", result.Error);
    }

    [Theory]
    [InlineData("--init", "x.onnx")]
    [InlineData("--mode", "eval")]
    public void Model_options_without_model_are_rejected(string option, string value)
    {
        var result = CliHarness.Run("analyze", "--arch", "relu", "--noise", "4", option, value);
        Assert.Equal(ExitCodes.InvalidArguments, result.ExitCode);
    }
}
