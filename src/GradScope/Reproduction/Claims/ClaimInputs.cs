using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// Collapse metrics of the first and the last nonlinearity of a network at initialisation, on data (means over the seeds),
/// with each seed's own in <paramref name="PerSeed"/> (null for one seed).
/// </summary>
public sealed record CollapseAtInit(
    ArchitectureSpec Architecture, bool Exploding, double SignIn, double SignOut, double? PseudoIn, double? PseudoOut,
    IReadOnlyList<CollapseAtInit>? PerSeed = null)
{
    public int Seeds => PerSeed?.Count ?? 1;

    /// <summary>Seed number <paramref name="index"/> alone (the last one for an index beyond the seeds).</summary>
    public CollapseAtInit AtSeed(int index) => PerSeed is { Count: > 0 } s ? s[Math.Min(index, s.Count - 1)] : this;

    public bool Collapsed => SignOut < PathologyThresholds.CollapseRatio * SignIn ||
        (PseudoIn is double i && PseudoOut is double o && i > 0 && o < PathologyThresholds.CollapseRatio * i);

    public string Describe() => $"{Architecture.Name}: sign diversity {StudyText.F(SignIn)} → {StudyText.F(SignOut)}" +
        (PseudoIn is double a && PseudoOut is double b ? $", pseudo-linearity {StudyText.F(a)} → {StudyText.F(b)}" : "") +
        (Exploding ? " (exploding)" : "") + (Collapsed ? " — collapsed" : " — not collapsed");
}

/// <summary>One residual unit of the dilution study at initialisation, measured on one seed's network.</summary>
public sealed record DilutedUnit(string Architecture, double ResidualWeight, int Unit, double K, double BranchGsc, double UnitGsc,
    ulong Seed = 1)
{
    public bool Measurable => BranchGsc * BranchGsc - 1 > ClaimThresholds.MeasurableBranchGrowth && UnitGsc * UnitGsc - 1 > 0;

    /// <summary>Measured reduction (G_branch² − 1)/(G_unit² − 1) divided by the predicted k² + 1.</summary>
    public double LawRatio => (BranchGsc * BranchGsc - 1) / (UnitGsc * UnitGsc - 1) / (K * K + 1);
}

/// <summary>A network of the width-versus-depth study (best learning rate of its own search).</summary>
public sealed record DepthPoint(string Family, int Depth, int Width, SeedSpread TrainError);

/// <summary>A network of the orthogonal-initial-state study: GSC fit at initialisation and training error after Adam.</summary>
public sealed record InitialStateNet(GradientFit? AtInit, SeedSpread? TrainError, ArchitectureSpec Architecture);
