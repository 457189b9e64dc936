using GradScope.Data;
using GradScope.IO;
using Spectre.Console;

namespace GradScope.Cli;

/// <summary>
/// Where commands print: a Spectre console for rich output and a plain writer for one-line errors.
/// Tests pass a recording console, so they run real command lines and read what was printed.
/// </summary>
public sealed class CliContext
{
    public CliContext(IAnsiConsole console, TextWriter error, bool interactive)
    {
        Console = console;
        Error = error;
        Interactive = interactive;
    }

    public IAnsiConsole Console { get; }
    public TextWriter Error { get; }
    /// <summary>True on a terminal: progress bars are drawn; otherwise one plain line per epoch.</summary>
    public bool Interactive { get; }

    public static CliContext ForTerminal() =>
        new(AnsiConsole.Console, System.Console.Error, !System.Console.IsOutputRedirected);

    /// <summary>
    /// Runs a command body and turns the errors users can cause into one line on stderr and a specific
    /// exit code; anything else is a bug and keeps its stack trace.
    /// </summary>
    public int Guard(Func<CancellationToken, int> body, CancellationToken cancel)
    {
        try
        {
            return body(cancel);
        }
        catch (OperationCanceledException)
        {
            Error.WriteLine("gradscope: interrupted; finished work is saved.");
            return ExitCodes.Cancelled;
        }
        catch (ArgumentException e)
        {
            Error.WriteLine($"gradscope: error: {FirstLine(e.Message)}");
            return ExitCodes.InvalidArguments;
        }
        catch (Exception e) when (e is DataFormatException or CheckpointFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Error.WriteLine($"gradscope: error: {FirstLine(e.Message)}");
            return ExitCodes.DataError;
        }
    }

    private static string FirstLine(string message)
    {
        // ArgumentException appends " (Parameter 'x')"; users need only the sentence.
        int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        int newline = message.IndexOf('\n');
        return newline >= 0 ? message[..newline].TrimEnd() : message;
    }
}
