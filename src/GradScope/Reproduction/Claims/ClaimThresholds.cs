namespace GradScope.Reproduction;

/// <summary>
/// The thresholds the claim rules use (project choices, stated in each claim's criterion). They judge differences
/// between networks, and give the per-network verdicts (exploding, collapsed) the values SPEC §7 asks for. The science
/// branch's Diagnostics/PathologyThresholds carries the same values; once it is on main these four move there.
/// </summary>
public static class ClaimThresholds
{
    /// <summary>Growth r^L over the whole depth above which a network explodes whatever its fit (SPEC §2.2).</summary>
    public const double ExplodingGrowth = 10;

    /// <summary>A per-layer rate that compounds to 10× within 100 layers (twice the paper's depth) explodes on a good fit:
    /// 10^(1/100).</summary>
    public static double ExplodingRatePerLayer { get; } = Math.Pow(ExplodingGrowth, 1.0 / 100);

    /// <summary>R² of log GSC(k, 0) = log c + k log r from which the growth is called exponential.</summary>
    public const double ExponentialFitMinimumR2 = 0.9;

    /// <summary>Last nonlinearity's sign diversity or pseudo-linearity below this fraction of the first's: a collapsed domain.</summary>
    public const double CollapseRatio = 0.5;

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
