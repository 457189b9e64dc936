using System.CommandLine;
using System.Globalization;
using GradScope.Reproduction;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary>
/// <c>gradscope status DIR</c>: finished / running / failed / diverged / pending cells per shard of a reproduce directory,
/// from its files alone, while an array runs or after it.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("DIR") { Description = "Output directory of gradscope reproduce" };
        var tasks = new Option<int?>("--tasks") { Description = "Shards to group by (default: the last --slurm submission's, else 1)" };
        var command = new Command("status",
            "Show finished, running, failed, diverged and pending cells per shard of a reproduce directory.");
        command.Arguments.Add(directory);
        command.Options.Add(tasks);
        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(_ =>
        {
            string root = Path.GetFullPath(parse.GetValue(directory)!);
            int? givenTasks = parse.GetValue(tasks);
            // With --tasks the record is not needed for grouping, so a damaged one does not stand in the way.
            var submission = givenTasks is null ? SlurmSubmission.Read(root) : null;
            int shards = givenTasks ?? submission?.Tasks ?? 1;
            if (shards < 1) throw new ArgumentException($"--tasks must be at least 1 (got {shards}).");
            Validation.ShardCount.Check($"--tasks {shards}", shards, SweepRunner.ReadPlan(root).Cells.Count);
            // Files only: a lock counts as running unless its pid is gone from this host or it is older than the timeout.
            var liveness = new ClaimLiveness(ClaimLiveness.DefaultTimeout, jobIsActive: _ => null);
            var status = SweepStatus.Read(root, shards, liveness, line => context.Error.WriteLine(line));
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("shard", "finished", "running", "failed", "diverged", "pending", "cells");
            foreach (var s in status)
                table.AddRow(Text(s.Shard), Text(s.Finished), Text(s.Running), Text(s.Failed), Text(s.Diverged), Text(s.Pending),
                    Text(s.Total));
            table.AddRow("all", Text(status.Sum(s => s.Finished)), Text(status.Sum(s => s.Running)), Text(status.Sum(s => s.Failed)),
                Text(status.Sum(s => s.Diverged)), Text(status.Sum(s => s.Pending)), Text(status.Sum(s => s.Total)));
            context.Console.Write(table);
            if (submission is not null)
                context.Console.WriteLine($"last submission: array job {submission.ArrayJobId}, report job {submission.ReportJobId}");
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
