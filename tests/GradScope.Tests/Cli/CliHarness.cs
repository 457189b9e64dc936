using GradScope.Cli;
using Spectre.Console;

namespace GradScope.Tests.Cli;

/// <summary>
/// Runs real command lines in-process, through the same <see cref="GradScopeCli.Run"/> as the executable, with a
/// recording console: every CLI test reads what was printed and checks the exit code.
/// </summary>
internal static class CliHarness
{
    /// <summary>What one command line did: its exit code, standard output and standard error.</summary>
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        /// <summary>Asserts the exit code, showing what the command printed when it differs.</summary>
        public Outcome ExpectExit(int code)
        {
            Assert.True(ExitCode == code, $"exit code {ExitCode}, expected {code}\nstderr: {Error}\nstdout: {Output}");
            return this;
        }

        public Outcome ExpectSuccess() => ExpectExit(ExitCodes.Success);
    }

    /// <summary>Wide enough that temporary paths in one-line messages are never wrapped.</summary>
    private const int ConsoleWidth = 240;

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
        console.Profile.Width = ConsoleWidth;
        int code = GradScopeCli.Run(args, new CliContext(console, error, interactive: false));
        return new Outcome(code, output.ToString(), error.ToString());
    }
}
