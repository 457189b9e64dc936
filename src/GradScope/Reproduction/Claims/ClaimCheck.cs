using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>
/// A claim of the paper checked as a test: the <see cref="Criterion"/> states the test and its thresholds in words,
/// <see cref="Reason"/> the measured figure the verdict turned on, <see cref="Evidence"/> every measurement the rule
/// read (never truncated), and <see cref="Sources"/> the study CSV files and columns that recompute it.
/// </summary>
public sealed record ClaimCheck(string Id, string Statement, string Criterion, ClaimVerdict Verdict, string Reason,
    IReadOnlyList<string> Evidence, string Sources);
