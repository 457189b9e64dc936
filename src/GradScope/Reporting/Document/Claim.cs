namespace GradScope.Reporting;

/// <summary>A claim, the evidence we measured for it, and the verdict. Statement and evidence support the inline subset.</summary>
public sealed record Claim(string Statement, string Evidence, ClaimVerdict Verdict);
