namespace GradScope.Cli;

/// <summary>Process exit codes of the <c>gradscope</c> command (docs/exit-codes.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Command-line syntax error reported by the parser (unknown option, unparsable value).</summary>
    public const int ParseError = 1;
    /// <summary>Impossible or conflicting option values: unknown architecture, --labels with --noise, a request too large to fit.</summary>
    public const int InvalidArguments = 2;
    /// <summary>Missing, truncated, corrupt or non-finite data, checkpoint or run files.</summary>
    public const int DataError = 3;
    /// <summary>The command ran but part of the work failed (failed sweep cells, out of memory); rerunning retries it.</summary>
    public const int RuntimeFailure = 4;
    /// <summary>A bug: an exception nobody anticipated. One line, plus the trace with --verbose.</summary>
    public const int Unexpected = 70;
    /// <summary>Interrupted by Ctrl+C or SIGTERM; finished work is kept.</summary>
    public const int Cancelled = 130;
}
