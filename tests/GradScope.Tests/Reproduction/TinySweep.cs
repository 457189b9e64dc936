using GradScope.Reproduction;

namespace GradScope.Tests.Reproduction;

/// <summary>Runs the tiny preset (synthetic data, seconds) the way the reproduce command does, with fake diagnostics.</summary>
internal static class TinySweep
{
    public static readonly FakeDiagnostics Diagnostics = new();

    public static SweepPlan Plan(SweepData data, ReproductionPreset? preset = null) =>
        SweepPlan.Create(preset ?? Presets.Tiny, data.Shape, data.Splits.Train.Count, data.Splits.Test.Count, Diagnostics.Name);

    public static SweepSummary Run(string root, SweepSelection? selection = null, ISweepObserver? observer = null,
        CancellationToken cancel = default, ReproductionPreset? preset = null, string? dataDirectory = null, bool report = true,
        Action<string>? warn = null)
    {
        preset ??= Presets.Tiny;
        var data = SweepData.Load(preset.Data, dataDirectory);
        var plan = Plan(data, preset);
        SweepRunner.PrepareDirectory(root, plan);
        var store = new CellStore(root, warn);
        var summary = SweepRunner.Run(plan, store, data, Diagnostics, selection ?? new SweepSelection(), observer, cancel);
        if (report) ReproductionReport.Write(root);
        return summary;
    }

    /// <summary>The study JSON files of a report directory by name.</summary>
    public static SortedDictionary<string, string> StudyJson(string root) =>
        new(Directory.GetFiles(Path.Combine(root, ReproductionReport.StudiesDirectory), "*.json")
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText), StringComparer.Ordinal);

    public static void AssertSameStudies(string expectedRoot, string actualRoot)
    {
        var expected = StudyJson(expectedRoot);
        var actual = StudyJson(actualRoot);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, json) in expected)
            Assert.True(json == actual[name], $"studies/{name} differs between {expectedRoot} and {actualRoot}");
    }
}

/// <summary>Cancels the sweep once a training cell is past its first checkpoint (mid second epoch).</summary>
internal sealed class CancelMidTraining(CancellationTokenSource source, int trainingCell) : ISweepObserver
{
    private int _started;

    public string? CancelledCell { get; private set; }

    public void OnCellStart(PlannedCell cell)
    {
        if (cell.Cell is TrainCellSpec) Interlocked.Increment(ref _started);
    }

    public void OnCellProgress(PlannedCell cell, double fraction)
    {
        if (cell.Cell is TrainCellSpec && _started == trainingCell && fraction > 0.6 && CancelledCell is null)
        {
            CancelledCell = cell.Cell.Id;
            source.Cancel();
        }
    }
}
