using Spectre.Console;

namespace GradScope.Cli;

/// <summary>
/// Where commands print: a Spectre console for rich output and a plain writer for one-line errors.
/// Tests pass a recording console, so they run real command lines and read what was printed.
/// </summary>
public sealed class CliContext
{
    public CliContext(IAnsiConsole console, TextWriter error, bool interactive, CancellationToken interrupt = default)
    {
        Console = console;
        Error = error;
        Interactive = interactive;
        Interrupt = interrupt;
    }

    public IAnsiConsole Console { get; }
    public TextWriter Error { get; }
    /// <summary>True on a terminal: progress bars are drawn; otherwise one plain line per epoch.</summary>
    public bool Interactive { get; }
    /// <summary>Cancelled by SIGINT or SIGTERM (<see cref="InterruptSignals"/>); tests cancel it themselves.</summary>
    public CancellationToken Interrupt { get; }
    /// <summary>--verbose: an unexpected error prints its stack trace instead of one line.</summary>
    public bool Verbose { get; set; }

    public static CliContext ForTerminal(CancellationToken interrupt) =>
        new(AnsiConsole.Console, System.Console.Error, !System.Console.IsOutputRedirected, interrupt);

    /// <summary>
    /// Runs a command body under the one error policy (<see cref="ErrorPolicy"/>): every failure becomes one line on
    /// stderr and its documented exit code. The body's token fires on the parser's cancellation or an interrupt.
    /// </summary>
    public int Guard(Func<CancellationToken, int> body, CancellationToken cancel)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, Interrupt);
        try
        {
            int code = body(linked.Token);
            // Work that ended without observing the interrupt still counts as interrupted: its results are partial.
            return linked.IsCancellationRequested && code == ExitCodes.Success ? Report(new OperationCanceledException()) : code;
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    /// <summary>Prints the one line for <paramref name="e"/> (and its trace with --verbose) and returns its exit code.</summary>
    public int Report(Exception e)
    {
        var (code, line) = ErrorPolicy.Classify(e);
        Error.WriteLine(line);
        if (Verbose && code == ExitCodes.Unexpected) Error.WriteLine(e.ToString());
        return code;
    }
}
