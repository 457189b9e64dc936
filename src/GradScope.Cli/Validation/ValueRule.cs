using System.CommandLine;

namespace GradScope.Cli.Validation;

/// <summary>
/// A rule that depends on option values or counts, not only on which options were typed (e.g. the ResNet-only options
/// with a plain --arch, or --json with two checkpoints). <see cref="Problem"/> returns the message, or null when the
/// command line is fine.
/// </summary>
internal sealed record ValueRule(string[] Commands, Func<ParseResult, string?> Problem)
{
    /// <summary>Throws an <see cref="ArgumentException"/> (exit 2) with the problem when the rule is broken.</summary>
    public void Check(ParseResult parse)
    {
        if (Problem(parse) is string problem) throw new ArgumentException(problem);
    }
}
