using System.Diagnostics;
using GradScope.Cli;
using GradScope.Reproduction;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using GradScope.Tests.Reproduction;
using Xunit.Abstractions;

namespace GradScope.Tests.Slurm;

/// <summary>
/// <c>gradscope reproduce --slurm</c> against the real Slurm daemons: a tiny sweep as a 3-task array gives the same study
/// JSON as a local unsharded run, and a task killed mid-cell loses nothing and recomputes nothing when resubmitted.
/// </summary>
[Collection(SlurmClusterCollection.Name)]
public sealed class SlurmReproduceTests(SlurmFixture fixture, ITestOutputHelper output) : IClassFixture<SlurmFixture>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    /// <summary>--mem keeps each task small: without it a task would take the node's whole memory and run alone.</summary>
    private string[] Submit(string root) =>
        ["reproduce", "--preset", "tiny", "--out", root, "--slurm", "--tasks", "3", "--mem", "400M", "--time", "00:10:00",
            "--partition", "debug", "--binary", fixture.Binary];

    private (string Array, string Report) Ids(string root)
    {
        var submission = SlurmSubmission.Read(root);
        Assert.NotNull(submission);
        Assert.Equal(3, submission.Tasks);
        return (submission.ArrayJobId, submission.ReportJobId);
    }

    [Fact]
    public void A_three_task_array_gives_the_same_study_json_as_a_local_unsharded_run()
    {
        if (!SlurmCluster.Available(output)) return;
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "cluster");
        string reference = fixture.LocalReference;
        var clock = Stopwatch.StartNew();

        var run = CliHarness.Run(Submit(root)).ExpectSuccess();
        output.WriteLine(run.Output);
        var (array, report) = Ids(root);
        Assert.Contains($"submitted array job {array} (3 tasks) and report job {report}", run.Output);
        Assert.Contains($"squeue -j {array},{report}", run.Output);
        string script = File.ReadAllText(Path.Combine(root, "slurm", "reproduce.sbatch"));
        Assert.Contains("#SBATCH --array=1-3", script);
        SlurmCluster.WaitFor(JobTimeout, array, report);
        output.WriteLine($"array + report finished {clock.Elapsed.TotalSeconds:0} s after submission");
        string logs = Path.Combine(root, "slurm", "logs");
        foreach (string log in Directory.GetFiles(logs)) output.WriteLine($"{log}:\n{File.ReadAllText(log)}");

        // Every task ran its own third of the plan; the report job merged them.
        for (int task = 1; task <= 3; task++)
            Assert.Contains($"(shard {task}/3:", File.ReadAllText(Path.Combine(logs, $"reproduce-{array}_{task}.out")));
        Assert.Contains("33 of 33 cells finished", File.ReadAllText(Path.Combine(root, "slurm", "logs", $"report-{report}.out")));
        TinySweep.AssertSameStudies(reference, root);

        var status = CliHarness.Run("status", root).ExpectSuccess();
        Assert.Matches(@"│ all\s+│ 33\s+│ 0\s+│ 0\s+│ 0\s+│ 0\s+│ 33", status.Output);
        Assert.Empty(Directory.GetFiles(Path.Combine(root, CellStore.CellsDirectory), CellClaim.FileName, SearchOption.AllDirectories));
    }

    [Fact]
    public void A_task_killed_mid_cell_and_resubmitted_loses_and_recomputes_nothing()
    {
        if (!SlurmCluster.Available(output)) return;
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "cluster");
        string reference = fixture.LocalReference;

        CliHarness.Run(Submit(root)).ExpectSuccess();
        var (array, report) = Ids(root);
        // Slurm turns scancel --signal=KILL into a cancellation (SIGTERM, then SIGKILL after KillWait): gradscope stops the cell
        // and releases its lock. A hard death (OOM killer, lost node) is the other case: SIGKILL straight to a second task's
        // process leaves its lock behind, stale, for the resubmitted task to reclaim.
        var cancelled = KillTrainingCellHolder(root, array, except: null, hard: false);
        output.WriteLine($"scancel --signal=KILL job {cancelled.Job} while it held {cancelled.Cell}");
        var killed = KillTrainingCellHolder(root, array, except: cancelled.Job, hard: true);
        output.WriteLine($"kill -9 pid of job {killed.Job} while it held {killed.Cell}");
        SlurmCluster.WaitFor(JobTimeout, array, report);

        var finished = FinishedResults(root);
        output.WriteLine($"{finished.Count} cells finished in the first round");
        Assert.InRange(finished.Count, 1, 32);
        string killedCell = Path.Combine(root, CellStore.CellsDirectory, killed.Cell);
        if (!finished.ContainsKey(killedCell))
            Assert.True(File.Exists(CellClaim.PathOf(killedCell)), "the hard-killed task's lock stays behind");
        var status = CliHarness.Run("status", root).ExpectSuccess();
        output.WriteLine(status.Output);
        Assert.Matches($@"│ all\s+│ {finished.Count}\s+│ 0\s+│", status.Output);

        var again = CliHarness.Run(Submit(root)).ExpectSuccess();
        output.WriteLine(again.Output);
        var (array2, report2) = Ids(root);
        Assert.NotEqual(array, array2);
        SlurmCluster.WaitFor(JobTimeout, array2, report2);

        // No finished cell was lost or written again: same bytes, same modification time.
        var after = FinishedResults(root);
        foreach (var (path, before) in finished)
        {
            Assert.True(after.TryGetValue(path, out var now), $"{path} was lost");
            Assert.Equal(before, now);
        }
        Assert.Equal(33, after.Count);
        Assert.Contains($"33 of 33 cells finished", File.ReadAllText(Path.Combine(root, "slurm", "logs", $"report-{report2}.out")));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, CellStore.CellsDirectory), CellClaim.FileName, SearchOption.AllDirectories));
        TinySweep.AssertSameStudies(reference, root);
    }

    /// <summary>
    /// Polls the cell locks until an array task other than <paramref name="except"/> holds an unfinished training cell, then kills
    /// it: through <c>scancel --signal=KILL</c>, or with a SIGKILL straight to its process when <paramref name="hard"/>.
    /// </summary>
    private static (string Job, string Cell) KillTrainingCellHolder(string root, string array, string? except, bool hard)
    {
        string cells = Path.Combine(root, CellStore.CellsDirectory);
        var deadline = DateTime.UtcNow + JobTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(cells))
                foreach (string cell in Directory.GetDirectories(cells, "train-*"))
                    if (CellClaim.ReadHolder(cell) is { JobId: { } job } holder && job != except
                        && !File.Exists(Path.Combine(cell, CellStore.ResultFile)))
                    {
                        var kill = hard
                            ? ProcessRunner.Run("kill", ["-KILL", holder.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                                TimeSpan.FromSeconds(30))
                            : ProcessRunner.Run("scancel", ["--signal=KILL", job], TimeSpan.FromSeconds(30));
                        Assert.True(kill.ExitCode == 0, $"kill failed: {kill.StdErr}");
                        return (job, Path.GetFileName(cell));
                    }
            Assert.True(SlurmCluster.Queued(array).Count > 0, "the array finished before a task could be killed mid-cell");
            Thread.Sleep(50);
        }
        throw new TimeoutException("no array task claimed a training cell");
    }

    private static Dictionary<string, (string Text, DateTime Written)> FinishedResults(string root) =>
        Directory.GetFiles(Path.Combine(root, CellStore.CellsDirectory), CellStore.ResultFile, SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetDirectoryName(f)!, f => (File.ReadAllText(f), File.GetLastWriteTimeUtc(f)));
}
