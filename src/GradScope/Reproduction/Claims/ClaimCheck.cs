using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>
/// A claim of the paper checked as a test: the <see cref="Criterion"/> states the test and its thresholds in words,
/// <see cref="Reason"/> the measured figure the verdict turned on, <see cref="Evidence"/> every measurement the rule
/// read (never truncated), and <see cref="Sources"/> the study CSV files and columns that recompute it.
/// </summary>
public sealed record ClaimCheck(string Id, string Statement, string Criterion, ClaimVerdict Verdict, string Reason,
    IReadOnlyList<string> Evidence, string Sources)
{
    /// <summary>Added to every criterion whose inputs come from several seeds.</summary>
    public const string SeedRule = " With several seeds, a verdict that holds or fails on the mean becomes inconclusive when " +
        "the seeds disagree on it.";

    /// <summary>
    /// A decided verdict becomes inconclusive when the seeds behind it disagree: a difference the seed-to-seed spread can
    /// reverse is not evidence either way. <paramref name="disagreeing"/> names what the seeds disagree on.
    /// </summary>
    public ClaimCheck UnlessSeedsDisagree(IEnumerable<string> disagreeing)
    {
        var names = disagreeing.Distinct().ToList();
        if (names.Count == 0 || Verdict == ClaimVerdict.Inconclusive) return this;
        return this with { Verdict = ClaimVerdict.Inconclusive, Reason = $"{Reason}; seeds disagree on {string.Join(", ", names)}" };
    }
}
