using System.Text.Json;
using System.Text.Json.Nodes;
using GradScope.Diagnostics;
using GradScope.Reproduction;
using GradScope.Tests.Data;
using GradScope.Training;

namespace GradScope.Tests.Reproduction;

/// <summary>
/// The acceptance properties of <c>gradscope reproduce</c> on the tiny preset: every study is reported,
/// an interrupted sweep resumes to exactly the numbers of an uninterrupted one, and shards run one after
/// the other into one directory give the same report as one unsharded run.
/// </summary>
public sealed class SweepTests : IClassFixture<SweepTests.Reference>
{
    /// <summary>One uninterrupted tiny sweep shared by the tests of this class.</summary>
    public sealed class Reference : IDisposable
    {
        public TempDirectory Directory { get; } = new();
        public SweepSummary Summary { get; }

        public Reference() => Summary = TinySweep.Run(Directory.Path);

        public void Dispose() => Directory.Dispose();
    }

    private readonly Reference _reference;

    public SweepTests(Reference reference) => _reference = reference;

    [Fact]
    public void Uninterrupted_sweep_finishes_every_cell_and_writes_every_study()
    {
        var summary = _reference.Summary;
        Assert.Equal(summary.Planned, summary.Ran + summary.Diverged);
        Assert.Equal(0, summary.Failed);
        string root = _reference.Directory.Path;
        Assert.True(File.Exists(Path.Combine(root, ReproductionReport.HtmlFile)));
        Assert.True(File.Exists(Path.Combine(root, ReproductionReport.MarkdownFile)));
        var studies = TinySweep.StudyJson(root);
        foreach (string study in StudyIds.All) Assert.Contains(study + ".json", studies.Keys);

        using var claims = JsonDocument.Parse(studies["claims.json"]);
        var list = claims.RootElement.GetProperty("claims").EnumerateArray().ToList();
        Assert.Equal(10, list.Count);
        Assert.All(list, c => Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("criterion").GetString())));
        Assert.All(list, c => Assert.Contains(c.GetProperty("verdict").GetString(), new[] { "holds", "does not hold", "inconclusive" }));

        using var training = JsonDocument.Parse(studies["training.json"]);
        var searches = training.RootElement.GetProperty("searches").EnumerateArray().ToList();
        Assert.Equal(Presets.Tiny.TrainArchitectures.Count * 2, searches.Count);
        Assert.All(searches, s => Assert.Equal(JsonValueKind.Number, s.GetProperty("train_error").ValueKind));
        Assert.Empty(training.RootElement.GetProperty("cells_missing").EnumerateArray());
    }

    [Fact]
    public void Taylor_and_training_tables_carry_both_sides_and_both_effective_depths()
    {
        string studies = Path.Combine(_reference.Directory.Path, ReproductionReport.StudiesDirectory);
        var taylor = File.ReadAllLines(Path.Combine(studies, "taylor.csv"));
        Assert.Equal("architecture,optimizer,cell,seed,side,replaced,train_error", taylor[0]);
        var sides = taylor.Skip(1).Select(l => l.Split(',')[4]).Distinct().Order().ToList();
        Assert.Equal(["input", "output"], sides);
        string training = File.ReadAllLines(Path.Combine(studies, "training.csv"))[0];
        Assert.Contains("effective_depth_mean", training);
        Assert.Contains("truncation_effective_depth_mean", training);
        // The fake diagnostics report truncation = SPEC + 1, so a column mix-up would show.
        var onset = File.ReadAllLines(Path.Combine(studies, "taylor-onset.csv"));
        var header = onset[0].Split(',');
        int trunc = Array.IndexOf(header, "truncation_effective_depth"), spec = Array.IndexOf(header, "effective_depth");
        int blocks = Array.IndexOf(header, "blocks");
        static double Number(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(onset.Skip(1).Select(l => l.Split(',')), f =>
            Assert.Equal(Math.Min(Number(f[spec]) + 1, Number(f[blocks])), Number(f[trunc])));
    }

    [Fact]
    public void Every_cell_records_its_seed_and_full_config()
    {
        string root = _reference.Directory.Path;
        var plan = SweepRunner.ReadPlan(root);
        foreach (var planned in plan.Cells)
        {
            string dir = new CellStore(root).CellDirectory(planned.Cell.Id);
            string json = File.ReadAllText(Path.Combine(dir, CellStore.CellFile));
            var stored = JsonSerializer.Deserialize<CellSpec>(json, JsonDefaults.Options)!;
            Assert.Equal(planned.Cell.Id, stored.Id);
            Assert.Equal(planned.Cell.Seed, stored.Seed);
            if (planned.Cell is TrainCellSpec train)
                Assert.Equal(train.Training, new RunDirectory(dir).ReadConfig());
        }
    }

    [Fact]
    public void Rerunning_a_finished_sweep_runs_nothing()
    {
        using var copy = new TempDirectory();
        CopyDirectory(_reference.Directory.Path, copy.Path);
        var summary = TinySweep.Run(copy.Path);
        Assert.Equal(0, summary.Ran);
        Assert.Equal(summary.Planned, summary.AlreadyFinished);
        TinySweep.AssertSameStudies(_reference.Directory.Path, copy.Path);
    }

    [Fact]
    public void Interrupted_sweep_resumes_to_the_uninterrupted_numbers()
    {
        using var dir = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var observer = new CancelMidTraining(cancel, trainingCell: 3);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            TinySweep.Run(dir.Path, observer: observer, cancel: cancel.Token, report: false));
        Assert.NotNull(observer.CancelledCell);
        var store = new CellStore(dir.Path);
        string interrupted = observer.CancelledCell!;
        Assert.False(File.Exists(store.ResultPath(interrupted)));
        Assert.Equal(1, store.TrainingState(interrupted)!.EpochsCompleted);

        // A report of the partial sweep marks what is missing.
        ReproductionReport.Write(dir.Path);
        Assert.Contains("missing", File.ReadAllText(Path.Combine(dir.Path, ReproductionReport.HtmlFile)));

        // Simulate a kill between a finished training and its result: the analysis is redone from the checkpoint.
        string finished = SweepRunner.ReadPlan(dir.Path).Cells.Select(c => c.Cell).OfType<TrainCellSpec>()
            .First(c => store.IsFinished(c)).Id;
        File.Delete(store.ResultPath(finished));

        var resumed = TinySweep.Run(dir.Path);
        Assert.Equal(0, resumed.Failed);
        Assert.True(resumed.AlreadyFinished > 0);
        Assert.Equal(resumed.Planned, resumed.AlreadyFinished + resumed.Ran + resumed.Diverged);
        var history = new RunDirectory(store.CellDirectory(interrupted)).ReadMetrics();
        Assert.Equal([0, 1, 2], history.Select(m => m.Epoch));
        TinySweep.AssertSameStudies(_reference.Directory.Path, dir.Path);
    }

    [Fact]
    public void Two_shards_one_after_the_other_equal_one_unsharded_run()
    {
        using var dir = new TempDirectory();
        var first = TinySweep.Run(dir.Path, new SweepSelection { Shard = new Shard(1, 2) });
        Assert.True(first.InShard > 0 && first.InShard < first.Planned);
        var second = TinySweep.Run(dir.Path, new SweepSelection { Shard = new Shard(2, 2) });
        Assert.Equal(first.Planned, first.InShard + second.InShard);
        Assert.Equal(0, second.AlreadyFinished);
        TinySweep.AssertSameStudies(_reference.Directory.Path, dir.Path);
    }

    [Fact]
    public void Parallel_jobs_give_the_same_numbers()
    {
        using var dir = new TempDirectory();
        TinySweep.Run(dir.Path, new SweepSelection { Jobs = 2 });
        TinySweep.AssertSameStudies(_reference.Directory.Path, dir.Path);
    }

    [Fact]
    public void A_corrupt_result_is_reported_and_its_cell_runs_again()
    {
        using var copy = new TempDirectory();
        CopyDirectory(_reference.Directory.Path, copy.Path);
        var store = new CellStore(copy.Path);
        var cells = SweepRunner.ReadPlan(copy.Path).Cells.Select(c => c.Cell).ToList();
        var train = cells.OfType<TrainCellSpec>().First();
        var init = cells.OfType<InitCellSpec>().First();
        string trainResult = store.ResultPath(train.Id), initResult = store.ResultPath(init.Id);
        File.WriteAllText(trainResult, File.ReadAllText(trainResult)[..100]); // torn write
        File.WriteAllText(initResult, "{\"id\": \"not a result\"}");         // valid JSON, wrong shape

        var warnings = new List<string>();
        var summary = TinySweep.Run(copy.Path, warn: warnings.Add);

        Assert.Equal(2, summary.Ran);
        Assert.Equal(summary.Planned - 2, summary.AlreadyFinished);
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("warning: ", StringComparison.Ordinal)
                                       && w.Contains(trainResult, StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains(initResult, StringComparison.Ordinal));
        Assert.True(File.Exists(trainResult + CellStore.CorruptSuffix));
        Assert.NotNull(store.ReadResult(train));
        TinySweep.AssertSameStudies(_reference.Directory.Path, copy.Path);
    }

    [Fact]
    public void A_corrupt_result_counts_as_missing_in_the_report_with_a_warning_line()
    {
        using var copy = new TempDirectory();
        CopyDirectory(_reference.Directory.Path, copy.Path);
        var cell = SweepRunner.ReadPlan(copy.Path).Cells.Select(c => c.Cell).OfType<TrainCellSpec>().First();
        string result = new CellStore(copy.Path).ResultPath(cell.Id);
        File.WriteAllText(result, "{ truncated");

        var report = Cli.CliHarness.Run("report", copy.Path);
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains($"warning: {result} is corrupt", report.Output.Replace("\n", "", StringComparison.Ordinal));
        int planned = SweepRunner.ReadPlan(copy.Path).Cells.Count;
        Assert.Contains($"{planned - 1} of {planned} cells finished", report.Output);
        Assert.Contains(cell.Id, File.ReadAllText(Path.Combine(copy.Path, ReproductionReport.StudiesDirectory, "training.json")));
    }

    [Fact]
    public void Train_cells_store_the_diagnostics_reports_of_metrics_jsonl_unchanged()
    {
        var store = new CellStore(_reference.Directory.Path);
        var cell = SweepRunner.ReadPlan(_reference.Directory.Path).Cells.Select(c => c.Cell).OfType<TrainCellSpec>().First();
        var lines = File.ReadAllLines(new RunDirectory(store.CellDirectory(cell.Id)).MetricsPath).Select(l => JsonNode.Parse(l)!).ToList();
        var result = JsonNode.Parse(File.ReadAllText(store.ResultPath(cell.Id)))!;
        Assert.Equal(0, lines[0]["epoch"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(lines[0]["diagnostics"], result["initial"]), "initial report differs from metrics.jsonl epoch 0");
        // The final report is the last epoch's, with the Taylor experiment attached.
        var final = result["final"]!.DeepClone().AsObject();
        Assert.True(final.Remove("taylor"));
        Assert.True(JsonNode.DeepEquals(lines[^1]["diagnostics"], final), "final report differs from the last metrics line");
        Assert.Equal(DiagnosticsReport.CurrentSchemaVersion, result["initial"]!["schema_version"]!.GetValue<int>());
    }

    [Fact]
    public void Another_preset_in_the_same_directory_is_refused()
    {
        using var copy = new TempDirectory();
        CopyDirectory(_reference.Directory.Path, copy.Path);
        var other = Presets.Tiny with { Epochs = 3 };
        var e = Assert.Throws<ArgumentException>(() => TinySweep.Run(copy.Path, preset: other));
        Assert.Contains("another --out", e.Message);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string dir in System.IO.Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            System.IO.Directory.CreateDirectory(dir.Replace(from, to));
        foreach (string file in System.IO.Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to), overwrite: true);
    }
}
