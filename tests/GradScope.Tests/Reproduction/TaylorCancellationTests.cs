using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Reproduction;
using GradScope.Tensors;
using GradScope.Tests.Data;

namespace GradScope.Tests.Reproduction;

/// <summary>Ctrl+C while a cell runs its Taylor experiment: the sweep stops, finished cells are kept, a re-run finishes it.</summary>
public sealed class TaylorCancellationTests
{
    /// <summary>The fake diagnostics, except that the Taylor experiment is the library's, and the first call fires the cancel.</summary>
    private sealed class CancelAtTaylor(CancellationTokenSource source) : IStudyDiagnostics
    {
        public string Name => TinySweep.Diagnostics.Name;
        public int Calls { get; private set; }

        public DiagnosticsReport Analyze(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample,
            DiagnosticsOptions options) => TinySweep.Diagnostics.Analyze(network, theta, theta0, sample, options);

        public TaylorResult Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data,
            IReadOnlyList<int> replaced, TaylorSide side, CancellationToken cancel)
        {
            if (++Calls == 1) source.Cancel();
            return LibraryDiagnostics.Instance.Taylor(network, theta, theta0, data, replaced, side, cancel);
        }
    }

    [Fact]
    public void Cancel_during_the_taylor_experiment_stops_the_cell_and_keeps_the_finished_ones()
    {
        using var dir = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var preset = Presets.Tiny;
        var data = SweepData.Load(preset.Data, null);
        var plan = TinySweep.Plan(data, preset);
        SweepRunner.PrepareDirectory(dir.Path, plan);
        var store = new CellStore(dir.Path);
        var diagnostics = new CancelAtTaylor(cancel);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SweepRunner.Run(plan, store, data, diagnostics, new SweepSelection(), null, cancel.Token));
        Assert.True(diagnostics.Calls >= 1);

        // The cell whose Taylor experiment was cancelled has no result; the initial-state cells before it are kept.
        var cells = plan.Cells.Select(c => c.Cell).ToList();
        var training = cells.OfType<TrainCellSpec>().ToList();
        Assert.DoesNotContain(training, store.IsFinished);
        Assert.Contains(cells.OfType<InitCellSpec>(), store.IsFinished);

        // A re-run finishes every cell, both Taylor sides included.
        var resumed = TinySweep.Run(dir.Path);
        Assert.Equal(0, resumed.Failed);
        var result = store.ReadResult(training[0])!;
        Assert.NotEmpty(result.TaylorFrom(TaylorSide.NearestInput));
        Assert.NotEmpty(result.TaylorFrom(TaylorSide.NearestOutput));
    }
}
