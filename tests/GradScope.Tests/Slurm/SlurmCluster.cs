using GradScope.Reproduction;
using Xunit.Abstractions;

namespace GradScope.Tests.Slurm;

/// <summary>
/// The real Slurm cluster the --slurm tests submit to (scripts/start-slurm.sh brings one up; .ci/run does so and sets
/// GRADSCOPE_REQUIRE_SLURM=1). Without one the tests skip, unless GRADSCOPE_REQUIRE_SLURM=1, when they fail.
/// </summary>
internal static class SlurmCluster
{
    public static bool Required => Environment.GetEnvironmentVariable("GRADSCOPE_REQUIRE_SLURM") == "1";

    /// <summary>True when sbatch is on PATH and slurmctld answers; otherwise skips (returns false) or fails when required.</summary>
    public static bool Available(ITestOutputHelper output)
    {
        string? problem = null;
        if (!ProcessRunner.IsOnPath("sbatch")) problem = "sbatch is not on PATH";
        else if (ProcessRunner.Run("scontrol", ["ping"], TimeSpan.FromSeconds(30)) is { } ping && !ping.StdOut.Contains("UP"))
            problem = "slurmctld does not answer scontrol ping";
        if (problem is null) return true;
        Assert.False(Required, $"GRADSCOPE_REQUIRE_SLURM=1 but {problem}; run scripts/start-slurm.sh.");
        output.WriteLine($"Slurm test skipped: {problem}.");
        return false;
    }

    /// <summary>Job ids squeue still lists (pending, running, completing) among <paramref name="jobIds"/>.</summary>
    public static IReadOnlyList<string> Queued(params string[] jobIds)
    {
        var run = ProcessRunner.Run("squeue", ["-h", "-j", string.Join(',', jobIds), "-o", "%i %T"], TimeSpan.FromSeconds(30));
        return [.. run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>Every job squeue lists, for checking that a refused command submitted nothing.</summary>
    public static IReadOnlyList<string> AllJobs() =>
        [.. ProcessRunner.Run("squeue", ["-h", "-o", "%i"], TimeSpan.FromSeconds(30)).StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Asserts that squeue lists no job that was not in <paramref name="before"/>: a job of an earlier test that
    /// finished in between (and left the list) is not one this command submitted.</summary>
    public static void AssertNothingSubmittedSince(IReadOnlyList<string> before) =>
        Assert.Empty(AllJobs().Except(before));

    /// <summary>Waits until none of the jobs is queued or running any more.</summary>
    public static void WaitFor(TimeSpan timeout, params string[] jobIds)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Queued(jobIds).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"jobs {string.Join(',', jobIds)} still queued after {timeout}: " +
                string.Join("; ", Queued(jobIds)));
            Thread.Sleep(500);
        }
    }
}

/// <summary>The test classes that submit to, or count the jobs of, the one Slurm cluster: xUnit runs them one after the
/// other, so that one class's submissions never appear in another's before/after comparison of the queue.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmClusterCollection
{
    public const string Name = "Slurm cluster";
}
