using System.CommandLine;
using System.Globalization;
using GradScope.Reporting;
using GradScope.Reproduction;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary>
/// <c>gradscope reproduce --slurm</c>: prints the plan per array task, writes <c>DIR/slurm/reproduce.sbatch</c> (task i runs
/// shard i/N) and <c>report.sbatch</c>, and submits both with <c>sbatch --parsable</c>, the report after the array (afterany).
/// </summary>
internal static class SlurmReproduce
{
    /// <summary>A task whose estimate is this much over --time is refused: the cost model is rough, but not this rough.</summary>
    private const double TimeSlack = 1.5;

    public static int Run(CliContext context, ParseResult parse, SlurmOptions o, ReproductionPreset preset, string root,
        string? dataDirectory, string? studies, string diagnosticsName)
    {
        int tasks = parse.GetValue(o.Tasks);
        if (tasks < 1) throw new ArgumentException($"--tasks must be at least 1 (got {tasks}).");
        int cpus = parse.GetValue(o.CpusPerTask);
        if (cpus < 1) throw new ArgumentException($"--cpus-per-task must be at least 1 (got {cpus}).");
        TimeSpan? time = parse.GetValue(o.Time) is { } t ? SlurmTime.Parse(t) : null;
        string? binary = parse.GetValue(o.Binary) is { } b ? Path.GetFullPath(b) : null;
        if (binary is not null && !File.Exists(binary)) throw new ArgumentException($"--binary {binary} does not exist.");
        bool dryRun = parse.GetValue(o.DryRun);
        string? partition = parse.GetValue(o.Partition);
        if (!dryRun) SlurmClient.CheckAvailable(partition);
        if (studies is not null) StudyIds.Parse(studies);

        var job = new SlurmJob
        {
            Preset = preset.Name,
            Root = root,
            Binary = binary ?? Path.Combine(root, "slurm", "bin", SelfContainedBinary.ExecutableName),
            Tasks = tasks,
            Partition = partition,
            Time = time,
            CpusPerTask = cpus,
            Memory = parse.GetValue(o.Memory),
            Account = parse.GetValue(o.Account),
            ExtraSbatchArgs = parse.GetValue(o.SbatchArgs) ?? [],
            DataDirectory = dataDirectory is null ? null : Path.GetFullPath(dataDirectory),
            Studies = studies,
        };
        // Fails here, with one line, when DIR cannot be written: before any data is loaded or anything submitted. A dry run
        // writes nothing at all.
        if (dryRun) CheckCreatable(root);
        else Directory.CreateDirectory(job.LogDirectory);

        var sweepData = SweepData.Load(preset.Data, dataDirectory);
        var plan = SweepPlan.Create(preset, sweepData.Shape, sweepData.Splits.Train.Count, sweepData.Splits.Test.Count, diagnosticsName);
        Validation.ShardCount.Check($"--tasks {tasks}", tasks, plan.Cells.Count);
        if (!dryRun) SweepRunner.PrepareDirectory(root, plan);
        var store = new CellStore(root, readOnly: dryRun);
        var todo = plan.Cells.Where(c => !store.IsFinished(c.Cell)).ToList();
        double secondsPerUnit = todo.Count > 0 ? CostModel.Calibrate(preset, sweepData) : 0;
        var longest = PrintPlan(context, job, plan, store, secondsPerUnit);
        if (time is { } limit && longest > limit * TimeSlack && !parse.GetValue(o.Force))
            throw new ArgumentException($"the longest task is estimated at {ReportNumber.Duration(longest)}, more than --time " +
                $"{SlurmTime.Format(limit)} allows; raise --time or --tasks, or pass --force.");

        if (dryRun)
        {
            // Plain writer: the console would wrap long script lines at its width.
            var plain = context.Console.Profile.Out.Writer;
            plain.WriteLine($"# {job.ArrayScriptPath}");
            plain.WriteLine(job.ArrayScript());
            plain.WriteLine($"# {job.ReportScriptPath} (submitted with --dependency=afterany:<array job id>)");
            plain.WriteLine(job.ReportScript());
            plain.WriteLine("dry run: nothing submitted and nothing written (no directory, scripts or binary).");
            plain.Flush();
            return ExitCodes.Success;
        }

        if (binary is null) SelfContainedBinary.Ensure(Path.GetDirectoryName(job.Binary)!, line => context.Console.WriteLine(line));
        IO.AtomicFile.WriteAllText(job.ArrayScriptPath, job.ArrayScript());
        IO.AtomicFile.WriteAllText(job.ReportScriptPath, job.ReportScript());
        string arrayId, reportId;
        try
        {
            arrayId = SlurmClient.Submit(job.ArrayScriptPath);
            reportId = SlurmClient.Submit(job.ReportScriptPath, $"--dependency=afterany:{arrayId}");
        }
        catch (InvalidOperationException e)
        {
            throw new RuntimeFailureException(e.Message);
        }
        new SlurmSubmission(tasks, arrayId, reportId, DateTimeOffset.UtcNow).Write(root);
        context.Console.WriteLine($"submitted array job {arrayId} ({tasks} tasks) and report job {reportId}");
        context.Console.WriteLine($"watch:   squeue -j {arrayId},{reportId}");
        context.Console.WriteLine($"         gradscope status {root}");
        context.Console.WriteLine($"after:   sacct -j {arrayId} --format=JobID,State,Elapsed,MaxRSS");
        context.Console.WriteLine($"logs:    {job.LogDirectory}");
        context.Console.WriteLine($"report:  {Path.Combine(root, ReproductionReport.HtmlFile)} (written by job {reportId})");
        return ExitCodes.Success;
    }

    /// <summary>Prints cells and estimated core-hours per task; returns the longest task's estimated wall time.</summary>
    private static TimeSpan PrintPlan(CliContext context, SlurmJob job, SweepPlan plan, CellStore store, double secondsPerUnit)
    {
        context.Console.MarkupLineInterpolated(
            $"[bold]gradscope reproduce --slurm[/] preset [bold]{job.Preset}[/]: {plan.Cells.Count} cells in {job.Tasks} array task(s)");
        context.Console.MarkupLineInterpolated($"output [blue]{job.Root}[/] (must be on a file system the compute nodes share)");
        var shardOf = ShardBalancer.Assign(plan.Cells, job.Tasks);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("task", "cells", "to run", "core-hours", "wall estimate");
        TimeSpan longest = TimeSpan.Zero;
        for (int task = 1; task <= job.Tasks; task++)
        {
            var cells = plan.Cells.Where(c => shardOf[c.Cell.Id] == task).ToList();
            var run = cells.Where(c => !store.IsFinished(c.Cell)).ToList();
            double coreSeconds = run.Sum(c => c.Cell.Cost) * secondsPerUnit;
            var wall = TimeSpan.FromSeconds(coreSeconds / Math.Min(job.CpusPerTask, Math.Max(1, run.Count)));
            if (wall > longest) longest = wall;
            table.AddRow(task.ToString(CultureInfo.InvariantCulture), cells.Count.ToString(CultureInfo.InvariantCulture),
                run.Count.ToString(CultureInfo.InvariantCulture), (coreSeconds / 3600).ToString("G3", CultureInfo.InvariantCulture),
                run.Count == 0 ? "—" : ReportNumber.Duration(wall));
        }
        context.Console.Write(table);
        context.Console.WriteLine("estimates are calibrated on this machine; compute nodes may be faster or slower.");
        return longest;
    }

    /// <summary>A dry run creates nothing, but still says when the real run could not create DIR (a file in its path).</summary>
    private static void CheckCreatable(string root)
    {
        string? existing = Path.GetFullPath(root);
        while (existing is not null && !Directory.Exists(existing) && !File.Exists(existing)) existing = Path.GetDirectoryName(existing);
        if (existing is not null && File.Exists(existing))
            throw new IOException($"cannot create {root}: {existing} is a file, not a directory.");
    }
}
