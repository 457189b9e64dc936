using System.CommandLine;
using System.Diagnostics;
using GradScope.Reporting;
using GradScope.Reproduction;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary>
/// <c>gradscope reproduce</c>: runs the paper's studies as a resumable, shardable sweep of cells and ends with
/// the report. Re-running the command skips finished cells and resumes interrupted ones.
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create(CliContext context) => Create(context, () => LibraryDiagnostics.Instance);

    /// <summary>Tests inject the diagnostics implementation.</summary>
    public static Command Create(CliContext context, Func<IStudyDiagnostics> diagnosticsFactory)
    {
        var preset = new Option<string>("--preset")
        {
            Description = $"Sweep size: {string.Join(", ", Presets.Names)}", DefaultValueFactory = _ => "quick",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Directory holding the dataset files (else $GRADSCOPE_DATA, else /usr/share/datasets/<dataset>)",
        };
        var output = new Option<string?>("--out") { Description = "Output directory shared by all shards (default reproduce-<preset>)" };
        var studies = new Option<string?>("--studies")
        {
            Description = $"Comma-separated studies to run: {string.Join(", ", StudyIds.All)} (default all)",
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "Run only slice i of N (i/N), e.g. 1/2 on one machine and 2/2 on another",
        };
        var jobs = new Option<int>("--jobs") { Description = "Cells trained at the same time", DefaultValueFactory = _ => 1 };
        var noReport = new Option<bool>("--no-report") { Description = "Skip building the report at the end" };
        var planOnly = new Option<bool>("--plan")
        {
            Description = "Print every preset's cell count and estimated time and core-hours, then exit",
        };
        var slurm = new SlurmOptions();

        var command = new Command("reproduce", "Run the paper's studies as a resumable sweep and write report.html / report.md.");
        foreach (var option in new Option[] { preset, data, output, studies, shard, jobs, noReport, planOnly }.Concat(slurm.All))
            command.Options.Add(option);

        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(token =>
        {
            var clock = Stopwatch.StartNew();
            if (parse.GetValue(planOnly))
            {
                PrintEstimates(context, parse.GetValue(data));
                return ExitCodes.Success;
            }
            var chosen = Presets.Get(parse.GetValue(preset)!);
            var selection = new SweepSelection
            {
                Shard = Shard.Parse(parse.GetValue(shard)),
                Studies = StudyIds.Parse(parse.GetValue(studies)),
                Jobs = parse.GetValue(jobs),
            };
            if (selection.Jobs < 1) throw new ArgumentException($"--jobs must be at least 1 (got {selection.Jobs}).");
            string root = Path.GetFullPath(parse.GetValue(output) ?? $"reproduce-{chosen.Name}");
            var diagnostics = diagnosticsFactory();
            if (parse.GetValue(slurm.Slurm))
                return SlurmReproduce.Run(context, parse, slurm, chosen, root, parse.GetValue(data), parse.GetValue(studies),
                    diagnostics.Name);

            var sweepData = SweepData.Load(chosen.Data, parse.GetValue(data));
            context.Console.WriteLine($"data: {sweepData.Description}");
            var plan = SweepPlan.Create(chosen, sweepData.Shape, sweepData.Splits.Train.Count, sweepData.Splits.Test.Count,
                diagnostics.Name);
            Validation.ShardCount.Check($"--shard {selection.Shard}", selection.Shard.Count, plan.Cells.Count);
            SweepRunner.PrepareDirectory(root, plan);
            var store = new CellStore(root, warning => context.Console.MarkupLineInterpolated($"[yellow]{warning}[/]"));
            var mine = selection.Select(plan);
            var todo = mine.Where(c => !store.IsFinished(c.Cell)).ToList();
            double secondsPerUnit = todo.Count > 0 ? CostModel.Calibrate(chosen, sweepData) : 0;
            PrintPlan(context, chosen, plan, selection, store, mine, secondsPerUnit, root);

            var summary = context.Interactive
                ? RunWithBars(context, plan, store, sweepData, diagnostics, selection, todo, token)
                : SweepRunner.Run(plan, store, sweepData, diagnostics, selection, new PlainSweepProgress(context, todo.Count), token);

            string shardText = $"(shard {selection.Shard}: {summary.InShard} of {summary.Planned})";
            var (ran, done, div, failed) = (summary.Ran, summary.AlreadyFinished, summary.Diverged, summary.Failed);
            context.Console.MarkupLineInterpolated(
                $"cells: [green]{ran} ran[/], {done} already finished, [yellow]{div} diverged[/], [red]{failed} failed[/] {shardText}");
            if (!parse.GetValue(noReport))
            {
                var paths = ReproductionReport.Write(root, [("Command", $"`gradscope reproduce --preset {chosen.Name}`")]);
                context.Console.MarkupLineInterpolated($"finished in {ReportNumber.Duration(clock.Elapsed)}");
                context.Console.MarkupLineInterpolated($"report: [blue]{paths.Html}[/]");
            }
            // Failed cells make the report incomplete: exit 4 so scripts notice, and say how to retry.
            if (summary.Failed > 0)
                throw new RuntimeFailureException($"{summary.Failed} cell(s) failed (each keeps a failure.txt under " +
                    $"{Path.Combine(root, CellStore.CellsDirectory)}); rerun the same command to retry them.");
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }

    private static void PrintPlan(CliContext context, ReproductionPreset preset, SweepPlan plan, SweepSelection selection, CellStore store,
        IReadOnlyList<PlannedCell> mine, double secondsPerUnit, string root)
    {
        context.Console.MarkupLineInterpolated($"[bold]gradscope reproduce[/] preset [bold]{preset.Name}[/]: {preset.Description}");
        context.Console.MarkupLineInterpolated($"output [blue]{root}[/], shard {selection.Shard}, {selection.Jobs} job(s)");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("study", "cells", "this shard", "finished", "to run", "estimate");
        double total = 0;
        foreach (string study in StudyIds.All.Where(s => s != StudyIds.Taylor && s != StudyIds.Claims))
        {
            var planned = plan.Cells.Where(c => c.Studies[0] == study).ToList();
            var inShard = mine.Where(c => c.Studies[0] == study).ToList();
            var run = inShard.Where(c => !store.IsFinished(c.Cell)).ToList();
            double seconds = run.Sum(c => c.Cell.Cost) * secondsPerUnit / selection.Jobs;
            total += seconds;
            table.AddRow(study, planned.Count.ToString(), inShard.Count.ToString(), (inShard.Count - run.Count).ToString(),
                run.Count.ToString(),
                run.Count == 0 ? "—" : ReportNumber.Duration(TimeSpan.FromSeconds(seconds)));
        }
        context.Console.Write(table);
        string estimate = ReportNumber.Duration(TimeSpan.FromSeconds(total));
        context.Console.MarkupLineInterpolated($"estimated time: [bold]{estimate}[/] (studies 3 and 7 come from the others' cells)");
    }

    private static void PrintEstimates(CliContext context, string? dataDirectory)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("preset", "init cells", "training cells", "estimate (1 job)",
            "core-hours");
        foreach (string name in Presets.Names)
        {
            var preset = Presets.Get(name);
            var sweepData = SweepData.Load(preset.Data, dataDirectory);
            var estimate = PresetEstimate.Of(preset, sweepData, CostModel.Calibrate(preset, sweepData));
            table.AddRow(name, estimate.InitCells.ToString(), estimate.TrainCells.ToString(),
                ReportNumber.Duration(TimeSpan.FromSeconds(estimate.Seconds)), ReportNumber.Format(estimate.CoreHours, 2));
        }
        context.Console.Write(table);
        context.Console.WriteLine($"Estimates come from a short timed training step on this machine ({Environment.ProcessorCount} cores, " +
            "engine using all of them); they drift when the machine is busy.");
    }

    private static SweepSummary RunWithBars(CliContext context, SweepPlan plan, CellStore store, SweepData data,
        IStudyDiagnostics diagnostics,
        SweepSelection selection, IReadOnlyList<PlannedCell> todo, CancellationToken token)
    {
        SweepSummary? summary = null;
        context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(progress =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                foreach (var group in todo.GroupBy(c => c.Studies[0]))
                    tasks[group.Key] = progress.AddTask($"{group.Key} (0/{group.Count()})", maxValue: group.Sum(c => c.Cell.Cost));
                summary = SweepRunner.Run(plan, store, data, diagnostics, selection, new BarSweepProgress(tasks, todo), token);
            });
        return summary!;
    }

    private sealed class BarSweepProgress(Dictionary<string, ProgressTask> tasks, IReadOnlyList<PlannedCell> todo) : ISweepObserver
    {
        private readonly Dictionary<string, double> _done = [];
        private readonly Dictionary<string, int> _cells = [];
        private readonly Dictionary<string, int> _totals = todo.GroupBy(c => c.Studies[0]).ToDictionary(g => g.Key, g => g.Count());
        private readonly Lock _lock = new();

        public void OnCellProgress(PlannedCell cell, double fraction)
        {
            if (!tasks.TryGetValue(cell.Studies[0], out var task)) return;
            lock (_lock)
            {
                double before = _done.GetValueOrDefault(cell.Cell.Id);
                double now = Math.Max(before, fraction);
                _done[cell.Cell.Id] = now;
                task.Increment((now - before) * cell.Cell.Cost);
            }
        }

        public void OnCellEnd(PlannedCell cell, CellOutcome outcome, string? message)
        {
            if (outcome == CellOutcome.Finished || !tasks.TryGetValue(cell.Studies[0], out var task)) return;
            OnCellProgress(cell, 1);
            lock (_lock)
            {
                string study = cell.Studies[0];
                _cells[study] = _cells.GetValueOrDefault(study) + 1;
                task.Description = $"{study} ({_cells[study]}/{_totals[study]})";
            }
        }
    }

    private sealed class PlainSweepProgress(CliContext context, int total) : ISweepObserver
    {
        private int _count;

        public void OnCellEnd(PlannedCell cell, CellOutcome outcome, string? message)
        {
            if (outcome == CellOutcome.Finished) return;
            int n = Interlocked.Increment(ref _count);
            string what = outcome switch { CellOutcome.Diverged => "diverged", CellOutcome.Failed => $"FAILED: {message}", _ => "done" };
            context.Console.WriteLine($"[{n}/{total}] {cell.Studies[0]}: {cell.Cell.Id} {what}");
        }
    }
}
