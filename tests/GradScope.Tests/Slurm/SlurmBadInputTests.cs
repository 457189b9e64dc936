using GradScope.Cli;
using GradScope.Reproduction;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using Xunit.Abstractions;

namespace GradScope.Tests.Slurm;

/// <summary>Bad input to <c>reproduce --slurm</c>: one line on stderr, a non-zero exit, nothing submitted.</summary>
[Collection(SlurmClusterCollection.Name)]
public sealed class SlurmBadInputTests(ITestOutputHelper output)
{
    private static void AssertOneLine(CliHarness.Outcome outcome, int code, string expected)
    {
        outcome.ExpectExit(code);
        string line = outcome.Error.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public void Without_sbatch_on_path_the_command_refuses_in_one_line()
    {
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "out");
        // Out of process: PATH is process-wide, and other tests run in parallel with this one.
        string cli = Path.Combine(AppContext.BaseDirectory, "GradScope.Cli.dll");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { cli, "reproduce", "--preset", "tiny", "--out", root, "--slurm", "--tasks", "3" })
            info.ArgumentList.Add(a);
        info.Environment["PATH"] = dir.Subdirectory("empty-bin");
        using var process = System.Diagnostics.Process.Start(info)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        AssertOneLine(new CliHarness.Outcome(process.ExitCode, stdout, stderr), ExitCodes.InvalidArguments, "--slurm needs sbatch on PATH");
        Assert.False(Directory.Exists(root), "nothing may be written when nothing can be submitted");
    }

    [Fact]
    public void Zero_tasks_is_refused()
    {
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "out");
        AssertOneLine(CliHarness.Run("reproduce", "--preset", "tiny", "--out", root, "--slurm", "--tasks", "0"),
            ExitCodes.InvalidArguments, "--tasks must be at least 1 (got 0)");
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void Slurm_options_without_slurm_and_shard_with_slurm_are_refused()
    {
        AssertOneLine(CliHarness.Run("reproduce", "--preset", "tiny", "--tasks", "3"), ExitCodes.InvalidArguments, "--tasks");
        AssertOneLine(CliHarness.Run("reproduce", "--preset", "tiny", "--slurm", "--shard", "1/2"), ExitCodes.InvalidArguments, "--shard");
    }

    [Fact]
    public void An_unknown_partition_is_refused_before_anything_is_submitted()
    {
        if (!SlurmCluster.Available(output)) return;
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "out");
        var before = SlurmCluster.AllJobs();
        AssertOneLine(CliHarness.Run("reproduce", "--preset", "tiny", "--out", root, "--slurm", "--partition", "no-such-partition"),
            ExitCodes.InvalidArguments, "unknown Slurm partition 'no-such-partition'");
        SlurmCluster.AssertNothingSubmittedSince(before);
        Assert.False(File.Exists(SlurmSubmission.PathIn(root)));
    }

    [Fact]
    public void An_output_directory_that_cannot_be_written_is_refused_before_anything_is_submitted()
    {
        using var dir = new TempDirectory();
        // Under a regular file: unwritable even for root, which CI runs as.
        string blocker = dir.File("a-file");
        File.WriteAllText(blocker, "not a directory");
        string root = Path.Combine(blocker, "out");
        bool slurm = SlurmCluster.Available(output);
        var before = slurm ? SlurmCluster.AllJobs() : [];
        string[] args = ["reproduce", "--preset", "tiny", "--out", root, "--slurm", "--tasks", "2",
            .. slurm ? Array.Empty<string>() : ["--dry-run"]];
        var outcome = CliHarness.Run(args);
        Assert.NotEqual(ExitCodes.Success, outcome.ExitCode);
        Assert.DoesNotContain('\n', outcome.Error.Trim());
        Assert.Contains(blocker, outcome.Error);
        if (slurm) SlurmCluster.AssertNothingSubmittedSince(before);
    }
}
