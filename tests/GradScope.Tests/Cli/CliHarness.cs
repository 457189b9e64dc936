using GradScope.Cli;
using Spectre.Console;

namespace GradScope.Tests.Cli;

/// <summary>Runs real command lines in-process and captures what they print.</summary>
internal static class CliHarness
{
    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static Outcome Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        int code = GradScopeCli.Run(args, new CliContext(console, error, interactive: false));
        return new Outcome(code, output.ToString(), error.ToString());
    }
}
