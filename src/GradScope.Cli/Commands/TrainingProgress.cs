using GradScope.Training;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary>One plain line per epoch, for logs and redirected output.</summary>
internal sealed class PlainProgress(CliContext context) : ITrainingObserver
{
    public void OnEpochEnd(EpochMetrics m) => context.Console.WriteLine(EpochSummary.Line(m));
}

/// <summary>A Spectre progress bar per run: examples/s, running loss and error while an epoch trains.</summary>
internal static class ProgressDisplay
{
    public static TrainingResult Run(CliContext context, int epochs, Func<ITrainingObserver, TrainingResult> train)
    {
        TrainingResult? result = null;
        context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask("training", maxValue: Math.Max(1, epochs));
                result = train(new BarObserver(task, context));
            });
        return result!;
    }

    private sealed class BarObserver(ProgressTask task, CliContext context) : ITrainingObserver
    {
        public void OnBatch(int epoch, int batch, int batches, double examplesPerSecond, double runningLoss, double runningError)
        {
            task.Value = epoch - 1 + (double)batch / batches;
            task.Description = $"epoch {epoch} {examplesPerSecond,8:N0} ex/s  loss {runningLoss:0.0000}  err {runningError:P1}";
        }

        public void OnEpochEnd(EpochMetrics metrics)
        {
            task.Value = metrics.Epoch;
            context.Console.WriteLine(EpochSummary.Line(metrics));
        }
    }
}

internal static class EpochSummary
{
    public static string Line(EpochMetrics m) => m.Status == EpochStatus.Diverged
        ? $"epoch {m.Epoch,3}: diverged (loss {m.TrainLoss:G4})"
        : $"epoch {m.Epoch,3}: loss {m.TrainLoss:0.0000}  train err {Percent(m.TrainError)} (running {Percent(m.TrainErrorRunning)})"
          + $"  test err {Percent(m.TestError)}  {m.Seconds:0.0}s  {m.ExamplesPerSecond:N0} ex/s";

    private static string Percent(double? value) => value is double v ? $"{100 * v:0.00}%" : "—";

    /// <summary>A closing table of the whole run.</summary>
    public static void Print(CliContext context, IReadOnlyList<EpochMetrics> history)
    {
        var rows = history.Where(m => m.Epoch > 0).ToList();
        if (rows.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("epoch", "loss", "train err", "running err", "test err", "s", "ex/s");
        foreach (var m in rows)
            table.AddRow(m.Epoch.ToString(), m.Status == EpochStatus.Diverged ? EpochStatus.Diverged.Name() : $"{m.TrainLoss:0.0000}",
                Percent(m.TrainError),
                Percent(m.TrainErrorRunning), Percent(m.TestError), $"{m.Seconds:0.0}", $"{m.ExamplesPerSecond:N0}");
        context.Console.Write(table);
    }
}
