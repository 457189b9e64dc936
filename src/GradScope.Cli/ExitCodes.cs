namespace GradScope.Cli;

/// <summary>Process exit codes of the <c>gradscope</c> command.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Command-line syntax error reported by the parser (unknown option, unparsable value).</summary>
    public const int ParseError = 1;
    /// <summary>Impossible option values: unknown architecture, negative learning rate, …</summary>
    public const int InvalidArguments = 2;
    /// <summary>Missing, truncated or corrupt data or checkpoint files.</summary>
    public const int DataError = 3;
    /// <summary>Interrupted by the user (Ctrl+C); finished work is kept.</summary>
    public const int Cancelled = 130;
}
