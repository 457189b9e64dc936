namespace GradScope.Diagnostics;

/// <summary>
/// The thresholds every verdict on a gradient pathology uses (SPEC §2.2, §2.3, §7). One place, so that the analyze
/// verdict, the reproduction's claims and the diagnosis findings cannot drift apart. All are project choices; the
/// reasons are given with each and in docs/faithfulness.md.
/// </summary>
public static class PathologyThresholds
{
    /// <summary>
    /// Growth of GSC over the whole depth, r^L, above which a network explodes whatever its per-layer fit
    /// (SPEC §2.2's original rule: an order of magnitude).
    /// </summary>
    public const double ExplodingGrowth = 10;

    /// <summary>r^L below which the gradient vanishes over the whole depth (the mirror of <see cref="ExplodingGrowth"/>).</summary>
    public const double VanishingGrowth = 0.1;

    /// <summary>
    /// Linear layers over which a per-layer rate must compound to <see cref="ExplodingGrowth"/> to count as
    /// exponential growth on its own. 100 is twice the paper's 50-layer depth: a rate that reaches 10× only beyond
    /// that is not called exploding from the rate alone, one that reaches it sooner is, whatever depth was analysed.
    /// SeLU's measured r = 1.039 (10× in 60 layers) explodes under this rule; a Gaussian ReLU net's r ≈ 1.00x does not.
    /// </summary>
    public const int RateReferenceDepth = 100;

    /// <summary>Per-linear-layer rate above which a well-fitted profile is exploding: 10^(1/100) ≈ 1.0233.</summary>
    public static double ExplodingRatePerLayer { get; } = Math.Pow(ExplodingGrowth, 1.0 / RateReferenceDepth);

    /// <summary>Per-linear-layer rate below which a well-fitted profile is vanishing: 10^(−1/100) ≈ 0.977.</summary>
    public static double VanishingRatePerLayer { get; } = Math.Pow(VanishingGrowth, 1.0 / RateReferenceDepth);

    /// <summary>
    /// R² of the fit log GSC(k,0) = log c + k log r needed before the rate alone decides: at 0.9 the straight line
    /// explains 90 % of the variation of log GSC with depth, i.e. the growth is exponential, not noise around flat.
    /// </summary>
    public const double ExponentialFitMinimumR2 = 0.9;

    /// <summary>
    /// A domain collapses between the first and the last nonlinearity when sign diversity (or pseudo-linearity,
    /// 1 − R² of an affine fit) at the last falls below this fraction of its value at the first.
    /// </summary>
    public const double CollapseRatio = 0.5;
}
