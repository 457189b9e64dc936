namespace GradScope.Diagnostics.Diagnosis;

/// <summary>Runs every finding rule on one set of measurements and ranks what they find.</summary>
public static class Diagnoser
{
    private static readonly Func<Measurements, Finding?>[] Rules =
    [
        GradientScaleRules.Exploding,
        GradientScaleRules.Vanishing,
        CollapseRules.CollapsingDomain,
        CollapseRules.DeadOrAlwaysOnRelus,
        DepthRules.LowEffectiveDepth,
        DilutionRules.WeakDilution,
        CouplingRules.BatchCoupling,
    ];

    /// <summary>Findings, worst first: severity, then clear before borderline, then the rule's score.</summary>
    public static IReadOnlyList<Finding> Diagnose(Measurements m) =>
        Rules.Select(rule => rule(m)).OfType<Finding>()
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Certainty)
            .ThenByDescending(f => f.Score)
            .ToList();
}
