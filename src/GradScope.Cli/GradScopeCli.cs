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
            StatusCommand.Create(context),
        };
        foreach (var option in new RootCommand().Options) root.Options.Add(option);
        root.Options.Add(Verbose);
        return root;
    }

    /// <summary>--verbose, on every command: unexpected errors print their stack trace.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the stack trace of unexpected errors",
        Recursive = true,
    };

    public static int Run(string[] args, CliContext context)
    {
        try
        {
            var parse = Build(context).Parse(args);
            context.Verbose = parse.GetValue(Verbose);
            if (parse.Errors.Count == 0) Validation.OptionRules.Check(parse);
            // Signals are InterruptSignals' job: the parser's own handler would end the process after a timeout
            // instead of letting the command save its work.
            return parse.Invoke(new InvocationConfiguration
            {
                Output = context.Console.Profile.Out.Writer,
                Error = context.Error,
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception e)
        {
            return context.Report(e);
        }
    }
}
