namespace GradScope.Reproduction;

/// <summary>
/// The thresholds only the claim rules use (project choices, stated in each claim's criterion): they judge differences
/// between networks. The per-network verdicts (exploding, vanishing, collapsed) come from
/// <see cref="GradScope.Diagnostics.PathologyThresholds"/> and <see cref="GradScope.Diagnostics.GrowthVerdict"/>, the one
/// owner shared with analyze and the diagnosis.
/// </summary>
public static class ClaimThresholds
{
    /// <summary>A net whose best mean training error is at least this did not train; its effective depth says nothing.</summary>
    public const double UntrainedError = 0.5;

    /// <summary>Two relative effective depths (fractions of the blocks) differ when they are this far apart.</summary>
    public const double DepthFractionMargin = 0.05;

    /// <summary>The k² + 1 law holds when the measured reduction is within this factor of k² + 1.</summary>
    public const double DilutionFactor = 2;

    /// <summary>A unit's branch must grow the squared gradient by this much for the reduction to be measurable.</summary>
    public const double MeasurableBranchGrowth = 0.05;

    /// <summary>The dilution law needs k probed over at least this factor.</summary>
    public const double DilutionKRange = 2;

    /// <summary>A Taylor-experiment onset: the first m whose error exceeds m = 0's by this much (5 percentage points).</summary>
    public const double TaylorOnsetError = 0.05;

    /// <summary>Spearman ρ(effective depth, onset) at or below this supports the claim; at or above 0 contradicts it.</summary>
    public const double TaylorRho = -0.3;

    /// <summary>Fewest networks a rank correlation is computed on.</summary>
    public const int MinimumNetworks = 4;
}
