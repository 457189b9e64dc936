namespace GradScope.Reporting;

/// <summary>
/// A claim, the measured reason for its verdict, and the verdict. Statement and reason support the inline subset.
/// The optional parts turn a row into a test a reader can audit: the criterion in words, every measurement read
/// (shown in full, folded away in HTML) and the data files that recompute it.
/// </summary>
public sealed record Claim(string Statement, string Reason, ClaimVerdict Verdict)
{
    public string? Id { get; init; }
    public string? Criterion { get; init; }
    public IReadOnlyList<string> Evidence { get; init; } = [];
    public string? Sources { get; init; }
}
