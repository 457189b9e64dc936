using GradScope.Cli;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;

namespace GradScope.Tests.Slurm;

/// <summary>The plan printed before submitting, and the --time check against the cost model's estimate (dry runs: no Slurm).</summary>
public sealed class SlurmPlanTests
{
    [Fact]
    public void A_time_limit_the_estimate_clearly_exceeds_is_refused_unless_forced()
    {
        using var dir = new TempDirectory();
        string data = dir.Subdirectory("fashion");
        IdxTestFiles.WriteDirectory(data, trainCount: 2000, testCount: 60, gzip: true);
        string[] args = ["reproduce", "--preset", "paper", "--data", data, "--out", dir.File("out"), "--slurm", "--tasks", "1",
            "--time", "1", "--dry-run"];

        var refused = CliHarness.Run(args).ExpectExit(ExitCodes.InvalidArguments);
        Assert.Contains("more than --time 00:01:00 allows; raise --time or --tasks, or pass --force", refused.Error);
        Assert.Contains("core-hours", refused.Output);

        var forced = CliHarness.Run([.. args, "--force"]).ExpectSuccess();
        Assert.Contains("#SBATCH --array=1-1", forced.Output);
        Assert.Contains("#SBATCH --time=00:01:00", forced.Output);
        Assert.Contains("dry run: nothing submitted", forced.Output);
        Assert.False(Directory.Exists(dir.File("out")), "a dry run wrote its output directory");
    }
}
