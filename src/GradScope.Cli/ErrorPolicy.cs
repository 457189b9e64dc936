using System.Text.Json;
using GradScope.Data;
using GradScope.IO;
using GradScope.Limits;

namespace GradScope.Cli;

/// <summary>
/// The one mapping from what went wrong to an exit code and a one-line message (docs/exit-codes.md). Commands only
/// throw; they never choose codes for errors themselves.
/// </summary>
internal static class ErrorPolicy
{
    public const string Prefix = "gradscope: error: ";
    public const string VerboseHint = "rerun with --verbose for the trace";

    /// <summary>The exit code and the line to print for <paramref name="e"/>.</summary>
    public static (int Code, string Line) Classify(Exception e) => e switch
    {
        OperationCanceledException => (ExitCodes.Cancelled, "gradscope: interrupted; finished work is saved."),
        // Guard clauses of the library (ThrowIfNegative, a null argument) mean a check at the boundary is missing: a bug.
        ArgumentOutOfRangeException or ArgumentNullException => Unexpected(e),
        ResourceLimitException or ArgumentException => (ExitCodes.InvalidArguments, Prefix + FirstLine(e.Message)),
        RuntimeFailureException => (ExitCodes.RuntimeFailure, Prefix + FirstLine(e.Message)),
        OutOfMemoryException or InsufficientMemoryException =>
            (ExitCodes.RuntimeFailure, Prefix + "ran out of memory; use a smaller network, batch or subset."),
        DataFormatException or CheckpointFormatException or InvalidDataException or JsonException
            or IOException or UnauthorizedAccessException => (ExitCodes.DataError, Prefix + FirstLine(e.Message)),
        _ => Unexpected(e),
    };

    private static (int, string) Unexpected(Exception e) =>
        (ExitCodes.Unexpected, $"gradscope: internal error: {e.GetType().Name}: {FirstLine(e.Message).TrimEnd('.')}; {VerboseHint}.");

    private static string FirstLine(string message)
    {
        // ArgumentException appends " (Parameter 'x')"; users need only the sentence.
        int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        int newline = message.IndexOf('\n');
        return newline >= 0 ? message[..newline].TrimEnd() : message;
    }
}
