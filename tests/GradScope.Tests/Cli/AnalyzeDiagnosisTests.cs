using GradScope.Cli;
using GradScope.Data;
using GradScope.Tests.Data;

namespace GradScope.Tests.Cli;

/// <summary>End to end on the zoo: real analyze command lines and the diagnosis they print.</summary>
public class AnalyzeDiagnosisTests
{
    private static CliHarness.Outcome Analyze(params string[] args)
    {
        var result = CliHarness.Run(["analyze", .. args]);
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error + result.Output);
        return result;
    }

    private static readonly string[] Small = ["--depth", "20", "--width", "32", "--input-dim", "32", "--noise", "64"];

    [Fact]
    public void Batch_relu_is_diagnosed_exploding_with_the_batch_norm_recommendation()
    {
        var result = Analyze(["--arch", "batch-relu", .. Small]);
        int diagnosis = result.Output.IndexOf("Diagnosis (worst first):", StringComparison.Ordinal);
        Assert.True(diagnosis >= 0, result.Output);
        // Ranked first; r ≈ 1.24 over 20 layers is ×75, moderate (high from ×1000).
        Assert.StartsWith("1. [moderate] Exploding gradients", result.Output[(diagnosis + 25)..].TrimStart());
        Assert.Contains("Batch normalisation itself makes plain MLPs explode", result.Output);
        Assert.Contains("Batch-norm coupling", result.Output);
        Assert.Contains("Theory (batch-norm ReLU", result.Output);
        // The per-position table is behind --table.
        Assert.DoesNotContain("k  lin  GSC(k,0)", result.Output);
        Assert.Contains("k  lin  GSC(k,0)", Analyze(["--arch", "batch-relu", "--table", .. Small]).Output);
    }

    [Theory]
    [InlineData("relu-ll")]
    [InlineData("linear-orth")]
    public void Orthogonal_initial_states_have_no_exploding_or_collapse_finding(string arch)
    {
        var result = Analyze(["--arch", arch, .. Small]);
        Assert.DoesNotContain("Exploding gradients", result.Output);
        Assert.DoesNotContain("Collapsing domain", result.Output);
        Assert.Contains("Diagnosis: no pathology found", result.Output);
    }

    [Fact]
    public void Tanh_at_depth_50_on_data_has_a_collapsing_domain()
    {
        const string directory = "/usr/share/datasets/fashion-mnist";
        // Passes vacuously without the dataset (xunit 2 cannot skip at run time), like FashionMnistSystemTests.
        if (!IdxFileSet.Find(directory).IsComplete) return;
        var result = Analyze("--arch", "tanh", "--depth", "50", "--data", directory, "--batch", "256");
        Assert.Contains("Collapsing domain", result.Output);
        Assert.Contains("orthogonal initial state", result.Output);
    }

    [Fact]
    public void Resnet_with_residual_weight_4_gets_the_dilution_finding()
    {
        var result = Analyze(["--arch", "resnet-relu", "--residual-weight", "4", .. Small]);
        Assert.Contains("Weak dilution", result.Output);
        Assert.Contains("--residual-weight", result.Output[result.Output.IndexOf("What to try", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Two_checkpoints_are_compared_side_by_side_with_reports()
    {
        using var temp = new TempDirectory();
        foreach (var (arch, file) in new[] { ("batch-relu", "a.safetensors"), ("relu-ll", "b.safetensors") })
        {
            var init = CliHarness.Run("init", "--arch", arch, "--depth", "12", "--width", "24", "--input-dim", "16", "--out",
                temp.File(file));
            Assert.True(init.ExitCode == ExitCodes.Success, init.Error);
        }
        var result = Analyze(temp.File("a.safetensors"), temp.File("b.safetensors"), "--noise", "32",
            "--html", temp.File("report.html"), "--md", temp.File("report.md"), "--diagnosis-json", temp.File("diagnosis.json"));
        Assert.Contains("a.safetensors", result.Output);
        Assert.Contains("=== b.safetensors", result.Output);
        string html = File.ReadAllText(temp.File("report.html"));
        Assert.Contains("a.safetensors vs b.safetensors", html);
        Assert.Contains("data-plot=\"gsc-profile\"", html);
        Assert.True(File.Exists(temp.File("figures/gsc-profile.svg")));
        Assert.Contains("\"exploding_gradients\"", File.ReadAllText(temp.File("diagnosis.json")));
    }

    [Fact]
    public void More_than_two_checkpoints_or_what_if_with_two_are_rejected()
    {
        Assert.Equal(ExitCodes.InvalidArguments, CliHarness.Run("analyze", "a", "b", "c", "--noise", "8").ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, CliHarness.Run("analyze", "a", "--checkpoint", "b", "--noise", "8").ExitCode);
    }
}
