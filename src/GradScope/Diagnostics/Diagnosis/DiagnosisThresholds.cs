namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// The thresholds that only the diagnosis rules use (documented in docs/diagnosis.md): borderline bands, severities,
/// collapse, dilution and depth fractions. What counts as exploding or vanishing is <see cref="PathologyThresholds"/>'s,
/// shared with the reproduction's claims, so a finding printed by <c>analyze</c> and a claim checked by
/// <c>reproduce</c> can never disagree about it.
/// </summary>
public static class DiagnosisThresholds
{
    // ---- Gradient scale (SPEC §2.2) -------------------------------------------------------------------------
    // What "exploding" and "vanishing" mean (ExplodingGrowth, VanishingGrowth, ExplodingRatePerLayer,
    // VanishingRatePerLayer, ExponentialFitMinimumR2) is owned by PathologyThresholds; the rules read it from there.

    /// <summary>
    /// Width of the "borderline" band above a threshold, as a factor on the threshold's log-distance from 1
    /// (growth in [10, 10^1.5) is borderline exploding; rate in [1.0233, 1.0233^1.5) likewise).
    /// </summary>
    public const double BorderlineFactor = 1.5;

    /// <summary>Positions of the sliding window that reads the local rate for "where the growth starts".</summary>
    public const int LocalRateWindow = 5;

    /// <summary>Total growth from which an exploding (or, inverted, a vanishing) finding is high severity: three decades
    /// between the output- and input-side layers' relative gradient scales, so one learning rate cannot suit both ends.</summary>
    public const double SevereGrowth = 1e3;

    // ---- Collapsing domain (SPEC §2.3) ----------------------------------------------------------------------

    /// <summary>
    /// A nonlinearity is pseudo-linear when 1 − R² of its best affine fit is below this: it acts linearly on
    /// 99 % of the variance of its current domain. For reference, on a unit Gaussian domain tanh gives 0.070,
    /// ReLU 0.267 (both from <see cref="MeanFieldTheory"/>-style Gaussian integrals).
    /// </summary>
    public const double PseudoLinearity = 0.01;

    /// <summary>Fraction of the nonlinear layers that must be pseudo-linear to call the domain collapsed.</summary>
    public const double CollapsedLayerFraction = 0.2;

    /// <summary>Fraction of nonlinear layers pseudo-linear for high severity.</summary>
    public const double SevereCollapsedLayerFraction = 0.5;

    /// <summary>Sign diversity (in [0, 0.5]) below which a ReLU layer's units are dead or always on over the batch.</summary>
    public const double DeadSignDiversity = 0.02;

    /// <summary>Fraction of ReLU layers with sign diversity ≈ 0 needed for the finding.</summary>
    public const double DeadLayerFraction = 0.1;

    // ---- Effective depth (SPEC §2.5) ------------------------------------------------------------------------

    /// <summary>Effective depth below this fraction of the compositional depth (blocks) is "low".</summary>
    public const double LowEffectiveDepthFraction = 0.25;

    // ---- Dilution (SPEC §2.4) -------------------------------------------------------------------------------

    /// <summary>
    /// A residual unit with k below this is weakly diluted: the branch is larger than the skip, so the unit reduces
    /// the branch's gradient growth by less than k² + 1 = 2.
    /// </summary>
    public const double WeakDilution = 1;

    /// <summary>Fraction of units below <see cref="WeakDilution"/> needed for the finding.</summary>
    public const double WeakDilutionUnitFraction = 0.5;

    // ---- Theory beside measurement ------------------------------------------------------------------------

    /// <summary>Standard errors between prediction and measurement beyond which they disagree.</summary>
    public const double TheoryDisagreementSigmas = 3;
}
