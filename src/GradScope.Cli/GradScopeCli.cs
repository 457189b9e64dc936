using System.CommandLine;
using GradScope.Cli.Commands;

namespace GradScope.Cli;

/// <summary>The <c>gradscope</c> command tree. Each command lives in its own file under Commands/.</summary>
public static class GradScopeCli
{
    public static RootCommand Build(CliContext context) => new(
        "GradScope: diagnose exploding gradients, collapsing domains and effective depth in deep networks " +
        "(a reproduction of Philipp, Song & Carbonell, 'The exploding gradient problem demystified').")
    {
        TrainCommand.Create(context),
        InitCommand.Create(context),
        EvaluateCommand.Create(context),
        AnalyzeCommand.Create(context),
        BenchCommand.Create(context),
        ReproduceCommand.Create(context),
        ReportCommand.Create(context),
    };

    public static int Run(string[] args, CliContext context)
    {
        var parse = Build(context).Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = context.Console.Profile.Out.Writer, Error = context.Error });
    }
}
