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
    public const string SeedRule = " With several seeds the rule is also applied to each seed's measurements alone; when a " +
        "seed's verdict differs from the one on the means, the claim is inconclusive.";

    /// <summary>
    /// <paramref name="pooled"/> (the rule on the seed means) unless the rule on some seed's measurements alone,
    /// <paramref name="atSeed"/>(i), reaches another verdict: then inconclusive. Each seed's verdict is added to the evidence.
    /// </summary>
    public static ClaimCheck AcrossSeeds(ClaimCheck pooled, int seeds, Func<int, ClaimCheck> atSeed)
    {
        if (seeds < 2) return pooled;
        var evidence = pooled.Evidence.ToList();
        var disagreeing = new List<string>();
        for (int i = 0; i < seeds; i++)
        {
            var alone = atSeed(i);
            evidence.Add($"seed #{i + 1} alone: {VerdictLabels.Text(alone.Verdict)} ({alone.Reason})");
            if (alone.Verdict != pooled.Verdict) disagreeing.Add($"the verdict (seed #{i + 1})");
        }
        return (pooled with { Evidence = evidence }).UnlessSeedsDisagree(disagreeing);
    }

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
