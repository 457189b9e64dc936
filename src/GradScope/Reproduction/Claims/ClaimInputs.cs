using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// The fitted GSC(k, 0) profile of one network state: rate r per linear layer, fit quality R² and the depth L.
/// Exploding is judged per layer (SPEC §7): a growth r^L above 10 over the whole depth, or a per-layer rate that compounds to
/// 10× within 100 layers on a good exponential fit — SeLU's r = 1.039 with R² = 0.99 is exponential growth although
/// r^50 = 6.8.
/// </summary>
public sealed record GradientFit(ArchitectureSpec Architecture, double Rate, double? R2, int LinearLayers)
{
    /// <summary>The exploding rule in words, for claim criteria.</summary>
    public static string Rule { get; } = string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"exploding when r^L > {ClaimThresholds.ExplodingGrowth:0} or (r ≥ {ClaimThresholds.ExplodingRatePerLayer:0.####} per linear " +
            $"layer " +
        $"and R² ≥ {ClaimThresholds.ExponentialFitMinimumR2:0.##})");

    public double Growth => Math.Pow(Rate, LinearLayers);

    public bool Exploding => Growth > ClaimThresholds.ExplodingGrowth ||
        (Rate >= ClaimThresholds.ExplodingRatePerLayer && R2 >= ClaimThresholds.ExponentialFitMinimumR2);

    /// <summary>The mirror rule: r^L below 1/10, or a well-fitted rate at or below 10^(−1/100).</summary>
    public bool Vanishing => !Exploding && (Growth < 1 / ClaimThresholds.ExplodingGrowth ||
        (Rate <= 1 / ClaimThresholds.ExplodingRatePerLayer && R2 >= ClaimThresholds.ExponentialFitMinimumR2));

    public string Describe() => $"r = {StudyText.F(Rate, 4)}, R² = {StudyText.F(R2)}, r^L = {StudyText.F(Growth)} → " +
        (Exploding ? "exploding" : "not exploding");
}

/// <summary>A trained network's search at its best learning rate, with every seed's spread.</summary>
public sealed record TrainedNet(ArchitectureSpec Architecture, OptimizerKind Optimizer, GradientFit? AtInit, GradientFit? AtEnd,
    SeedSpread? EffectiveDepth, int Blocks, SeedSpread? TrainError)
{
    public string Label => $"{Architecture.Name}/{Optimizer<float>.KindName(Optimizer)}";

    /// <summary>Effective depth as a fraction of the blocks, so 26-unit ResNets and 50-block MLPs compare.</summary>
    public SeedSpread? RelativeDepth => EffectiveDepth is { } d && Blocks > 0
        ? new SeedSpread(d.Mean / Blocks, d.Min / Blocks, d.Max / Blocks, d.Count) : null;

    public bool Trained => TrainError?.Mean < ClaimThresholds.UntrainedError;
}

/// <summary>Collapse metrics of the first and the last nonlinearity of a network at initialisation, on data.</summary>
public sealed record CollapseAtInit(
    ArchitectureSpec Architecture, bool Exploding, double SignIn, double SignOut, double? PseudoIn, double? PseudoOut)
{
    public bool Collapsed => SignOut < ClaimThresholds.CollapseRatio * SignIn ||
        (PseudoIn is double i && PseudoOut is double o && i > 0 && o < ClaimThresholds.CollapseRatio * i);

    public string Describe() => $"{Architecture.Name}: sign diversity {StudyText.F(SignIn)} → {StudyText.F(SignOut)}" +
        (PseudoIn is double a && PseudoOut is double b ? $", pseudo-linearity {StudyText.F(a)} → {StudyText.F(b)}" : "") +
        (Exploding ? " (exploding)" : "") + (Collapsed ? " — collapsed" : " — not collapsed");
}

/// <summary>One residual unit of the dilution study at initialisation.</summary>
public sealed record DilutedUnit(string Architecture, double ResidualWeight, int Unit, double K, double BranchGsc, double UnitGsc)
{
    public bool Measurable => BranchGsc * BranchGsc - 1 > ClaimThresholds.MeasurableBranchGrowth && UnitGsc * UnitGsc - 1 > 0;

    /// <summary>Measured reduction (G_branch² − 1)/(G_unit² − 1) divided by the predicted k² + 1.</summary>
    public double LawRatio => (BranchGsc * BranchGsc - 1) / (UnitGsc * UnitGsc - 1) / (K * K + 1);
}

/// <summary>The Taylor experiment of one trained network (first seed of its best learning rate).</summary>
public sealed record TaylorNet(string Label, double EffectiveDepth, int Blocks, IReadOnlyList<TaylorPoint> Points)
{
    /// <summary>Smallest m whose error exceeds m = 0's by 5 points; null when none does (or m = 0 is missing).</summary>
    public int? Onset
    {
        get
        {
            var baseline = Points.FirstOrDefault(p => p.Replaced == 0);
            if (baseline is null) return null;
            return Points.Where(p => p.Error > baseline.Error + ClaimThresholds.TaylorOnsetError)
                .Select(p => (int?)p.Replaced).Min();
        }
    }

    /// <summary>Onset as a fraction of the blocks; a net that never degrades counts as (L + 1)/L.</summary>
    public double RelativeOnset => (Onset ?? Blocks + 1) / (double)Blocks;
}

/// <summary>A network of the width-versus-depth study (best learning rate of its own search).</summary>
public sealed record DepthPoint(string Family, int Depth, int Width, SeedSpread TrainError);

/// <summary>A network of the orthogonal-initial-state study: GSC fit at initialisation and training error after Adam.</summary>
public sealed record InitialStateNet(GradientFit? AtInit, SeedSpread? TrainError, ArchitectureSpec Architecture);
