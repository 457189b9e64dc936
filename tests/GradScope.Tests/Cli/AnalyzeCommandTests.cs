using System.Text.Json.Nodes;
using GradScope.Cli;
using GradScope.IO;
using GradScope.Tensors;
using GradScope.Tests.Data;

namespace GradScope.Tests.Cli;

public class AnalyzeCommandTests
{
    [Fact]
    public void Orthogonal_linear_stack_has_unit_gsc_in_the_json_report()
    {
        using var temp = new TempDirectory();
        string json = temp.File("report.json");
        var result = CliHarness.Run("analyze", "--arch", "linear-orth", "--depth", "8", "--width", "16", "--input-dim", "16",
            "--noise", "32", "--json", json);
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        Assert.Contains("verdict", result.Output);
        var report = JsonNode.Parse(File.ReadAllText(json))!;
        var profile = report["gsc"]!["profile"]!.AsArray().Select(v => v!["value"]!.GetValue<double>()).ToList();
        Assert.Equal(8, profile.Count);
        // GSC(k, 0) of an orthogonal linear map followed by the loss is not 1 (the loss is nonlinear), but it is flat in k.
        Assert.All(profile, v => Assert.Equal(profile[0], v, 6));
        Assert.Equal(1.0, report["gsc"]!["rate"]!.GetValue<double>(), 6);
    }

    [Fact]
    public void Npy_inputs_and_labels_are_analysed()
    {
        using var temp = new TempDirectory();
        var x = new Matrix<float>(10, 6);
        var rng = new Rng(1);
        foreach (ref var v in x.Span) v = (float)rng.NextGaussian();
        Npy.WriteMatrix(temp.File("x.npy"), x);
        Npy.WriteInt64(temp.File("y.npy"), new long[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0 });
        var result = CliHarness.Run("analyze", "--arch", "tanh", "--depth", "4", "--width", "8", "--classes", "3",
            "--inputs", temp.File("x.npy"), "--labels", temp.File("y.npy"));
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
    }

    [Fact]
    public void Mismatched_label_count_is_rejected()
    {
        using var temp = new TempDirectory();
        Npy.WriteMatrix(temp.File("x.npy"), new Matrix<float>(10, 6));
        Npy.WriteInt64(temp.File("y.npy"), new long[] { 0, 1 });
        var result = CliHarness.Run("analyze", "--arch", "relu", "--inputs", temp.File("x.npy"), "--labels", temp.File("y.npy"));
        // A labels file that does not match its inputs is a data defect (exit 3), named by file.
        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.Contains("y.npy: 2 labels for 10 inputs", result.Error);
    }

    [Theory]
    [InlineData("analyze", "--noise", "16")]
    [InlineData("analyze", "--arch", "relu", "--checkpoint", "x.safetensors", "--noise", "16")]
    [InlineData("analyze", "--arch", "relu")]
    [InlineData("analyze", "--arch", "relu", "--noise", "16", "--tau", "2")]
    public void Ambiguous_or_missing_sources_are_rejected(params string[] args)
    {
        var result = CliHarness.Run(args);
        Assert.Equal(ExitCodes.InvalidArguments, result.ExitCode);
        Assert.StartsWith("gradscope: error:", result.Error);
    }
}
