namespace GradScope.Diagnostics.Diagnosis;

/// <summary>What a finding is about; each kind has one rule and may have recommendations.</summary>
public enum FindingKind
{
    ExplodingGradients,
    VanishingGradients,
    CollapsingDomain,
    DeadOrAlwaysOnRelus,
    LowEffectiveDepth,
    WeakDilution,
    BatchCoupling,
}

/// <summary>How much a finding matters for training; findings are ranked by it.</summary>
public enum Severity { Info, Moderate, High }

/// <summary>
/// Clear: the evidence is past its threshold by more than the borderline band and fits its model.
/// Borderline: the metric is past its threshold by a hair, or the fit is poor, so the finding is a warning to check.
/// </summary>
public enum Certainty { Clear, Borderline }

/// <summary>One diagnosis line: what is wrong, the numbers that show it, and where in the network.</summary>
/// <param name="Summary">One sentence a user reads first.</param>
/// <param name="Evidence">The measured numbers behind it, each with the threshold it was compared to.</param>
/// <param name="Positions">Positions (1 = nearest the output) the finding concerns; empty when it is about the whole net.</param>
/// <param name="Score">Orders findings of equal severity (larger = worse); its unit depends on the kind.</param>
public sealed record Finding(
    FindingKind Kind, Severity Severity, Certainty Certainty, string Summary, IReadOnlyList<string> Evidence,
    IReadOnlyList<int> Positions, double Score);
