using GradScope.Cli;
using GradScope.Reproduction;
using GradScope.Tests.Data;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// Issue 15's classes against the sharded sweep commands that landed after it (<c>reproduce --shard</c>, <c>status</c>):
/// absurd shard counts, malformed shards and corrupt sweep files give one line and the documented code, and write nothing.
/// </summary>
public sealed class SweepCommandCorpusTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("1/0")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    [InlineData("-1/2")]
    [InlineData("1/99999999999")]
    public void Malformed_shard_is_an_option_error(string shard)
    {
        string root = _temp.File("sweep");
        CliAssert.Fails(ExitCodes.InvalidArguments, ["reproduce", "--preset", "tiny", "--shard", shard, "--out", root], "--shard",
            shard);
        Assert.False(Directory.Exists(root), "a refused sweep created its directory");
    }

    /// <summary>Before the check the balancer looped over every shard for every cell: two billion shards ran for hours.</summary>
    [Fact]
    public void More_shards_than_cells_is_refused_before_anything_is_written()
    {
        string root = _temp.File("sweep");
        CliAssert.Fails(ExitCodes.InvalidArguments, ["reproduce", "--preset", "tiny", "--shard", "1/2000000000", "--out", root],
            "2,000,000,000 shards", "cells");
        Assert.False(Directory.Exists(root), "a refused sweep created its directory");
    }

    [Fact]
    public void Status_refuses_more_shards_than_cells_and_a_corrupt_plan()
    {
        string root = _temp.File("sweep");
        CliAssert.Succeeds("reproduce", "--preset", "tiny", "--studies", "init", "--out", root, "--no-report");
        CliAssert.Fails(ExitCodes.InvalidArguments, ["status", root, "--tasks", "2000000000"], "2,000,000,000 shards", "cells");
        CliAssert.Fails(ExitCodes.InvalidArguments, ["status", root, "--tasks", "0"], "--tasks", "at least 1");
        File.WriteAllText(Path.Combine(root, "sweep.json"), "{\"cells\": [tor");
        CliAssert.Fails(ExitCodes.DataError, ["status", root], "sweep.json");
        CliAssert.Fails(ExitCodes.DataError, ["report", root], "sweep.json");
    }

    [Fact]
    public void Status_counts_a_corrupt_result_as_pending_not_finished()
    {
        string root = _temp.File("sweep");
        CliAssert.Succeeds("reproduce", "--preset", "tiny", "--studies", "init", "--out", root, "--no-report");
        var before = AllRow(CliAssert.Succeeds("status", root).Output);
        string cell = Directory.GetDirectories(Path.Combine(root, CellStore.CellsDirectory)).Order(StringComparer.Ordinal).First();
        File.WriteAllText(Path.Combine(cell, CellStore.ResultFile), "{\"torn");
        var status = CliAssert.Succeeds("status", root);
        var after = AllRow(status.Output);
        // The torn result is recomputed by the next run, never counted as finished.
        Assert.Equal(before.Finished - 1, after.Finished);
        Assert.Equal(before.Pending + 1, after.Pending);
        // status only reads: the file is reported and left where it is, for the next run to move aside.
        Assert.Single(status.Error.Split('\n'), line => line.Contains("is corrupt"));
        Assert.Equal("{\"torn", File.ReadAllText(Path.Combine(cell, CellStore.ResultFile)));
        Assert.False(File.Exists(Path.Combine(cell, CellStore.ResultFile + CellStore.CorruptSuffix)));
    }

    [Theory]
    [InlineData("{\"tasks\": 3, \"array")]
    [InlineData("null")]
    [InlineData("{\"tasks\": 0, \"array_job_id\": \"1\", \"report_job_id\": \"2\", \"submitted\": \"2026-12-03T00:00:00Z\"}")]
    public void Status_refuses_a_corrupt_submission_record_instead_of_grouping_by_one_shard(string record)
    {
        string root = _temp.File("sweep");
        CliAssert.Succeeds("reproduce", "--preset", "tiny", "--studies", "init", "--out", root, "--no-report");
        Directory.CreateDirectory(Path.Combine(root, "slurm"));
        File.WriteAllText(SlurmSubmission.PathIn(root), record);
        CliAssert.Fails(ExitCodes.DataError, ["status", root], "submission.json", "--tasks");
        // --tasks says how to group, so the damaged record does not stand in the way.
        Assert.Matches(@"│ 2\s+│", CliAssert.Succeeds("status", root, "--tasks", "2").Output);
    }

    /// <summary>The "all" row of the status table: finished and pending counts.</summary>
    private static (int Finished, int Pending) AllRow(string output)
    {
        var cols = output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries)).First(c => c.Length > 6 && c[1] == "all");
        return (int.Parse(cols[2], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(cols[6], System.Globalization.CultureInfo.InvariantCulture));
    }
}
