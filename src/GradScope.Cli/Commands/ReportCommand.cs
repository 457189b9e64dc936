using System.CommandLine;
using GradScope.Reproduction;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary><c>gradscope report DIR</c>: (re)builds the reproduction report from the finished cells of a sweep directory.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("DIR") { Description = "Output directory of gradscope reproduce" };
        var command = new Command("report",
            "Rebuild report.html, report.md and the study JSON/CSV from a reproduce directory, marking unfinished cells.");
        command.Arguments.Add(directory);
        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(_ =>
        {
            string root = Path.GetFullPath(parse.GetValue(directory)!);
            var plan = SweepRunner.ReadPlan(root);
            var store = new CellStore(root, warning => context.Console.MarkupLineInterpolated($"[yellow]{warning}[/]"));
            int finished = plan.Cells.Count(c => store.IsFinished(c.Cell));
            var paths = ReproductionReport.Write(root, [("Command", $"`gradscope report`")]);
            context.Console.MarkupLineInterpolated($"{finished} of {plan.Cells.Count} cells finished (preset {plan.Preset.Name})");
            context.Console.MarkupLineInterpolated($"report: [blue]{paths.Html}[/]");
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }
}
