using System.CommandLine;
using GradScope.Cli.Commands;

namespace GradScope.Cli;

/// <summary>The <c>gradscope</c> command tree. Each command lives in its own file under Commands/.</summary>
public static class GradScopeCli
{
    public const string CommandName = "gradscope";

    /// <summary>
    /// A plain command named <c>gradscope</c> with the root command's --help and --version: a RootCommand takes its
    /// name from the executable, which here is GradScope.Cli.dll behind the <c>./gradscope</c> wrapper.
    /// </summary>
    public static Command Build(CliContext context)
    {
        var root = new Command(CommandName,
            "GradScope: diagnose exploding gradients, collapsing domains and effective depth in deep networks " +
            "(a reproduction of Philipp, Song & Carbonell, 'The exploding gradient problem demystified').")
        {
            TrainCommand.Create(context),
            InitCommand.Create(context),
            EvaluateCommand.Create(context),
            AnalyzeCommand.Create(context),
            ExportCommand.Create(context),
            BenchCommand.Create(context),
            ReproduceCommand.Create(context),
            ReportCommand.Create(context),
        };
        foreach (var option in new RootCommand().Options) root.Options.Add(option);
        return root;
    }

    public static int Run(string[] args, CliContext context)
    {
        var parse = Build(context).Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = context.Console.Profile.Out.Writer, Error = context.Error });
    }
}
