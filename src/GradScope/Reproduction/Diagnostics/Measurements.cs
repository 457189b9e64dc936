namespace GradScope.Reproduction;

/// <summary>GSC(k, 0) at one block position: k linear layers between position and error layer.</summary>
public sealed record GscPoint(int Position, int LinearLayers, double Gsc);

/// <summary>Collapsing-domain metrics of one nonlinearity (SPEC §2.3), indexed by its block position.</summary>
public sealed record LayerCollapse(int Position, double PreActivationStd, double PreActivationStdMin, double SignDiversity, double? PseudoLinearity);

/// <summary>
/// Dilution of one residual unit (SPEC §2.4): k, the GSC of the branch alone and of the whole unit, and the
/// unit GSC the k² + 1 law predicts from the branch (null: the report derives it as exp(log GSC_branch / (k² + 1))).
/// <paramref name="GrowthReduction"/> is the measured reduction (GSC_branch² − 1) / (GSC_unit² − 1), to compare with k² + 1.
/// </summary>
public sealed record UnitDilution(int Unit, double K, double BranchGsc, double UnitGsc, double? PredictedUnitGsc = null, double? GrowthReduction = null);

/// <summary>Training error after replacing the m blocks nearest the input by their first-order expansion (SPEC §2.6).</summary>
public sealed record TaylorPoint(int Replaced, double TrainError);

/// <summary>
/// The few numbers the studies need from the diagnostics library for one network state on one batch.
/// Every field is optional: a diagnostics implementation fills what it can, and the report marks the rest missing.
/// </summary>
public sealed record Measurements
{
    /// <summary>GSC(k, 0) profile, ordered by position (output side first).</summary>
    public IReadOnlyList<GscPoint>? GscProfile { get; init; }
    /// <summary>Fitted exploding-gradient rate r per linear layer (log GSC = log c + k log r).</summary>
    public double? GscRate { get; init; }
    public double? GscIntercept { get; init; }
    public double? GscR2 { get; init; }
    /// <summary>"exploding", "vanishing" or "stable" (SPEC §2.2 thresholds).</summary>
    public string? GscVerdict { get; init; }
    public IReadOnlyList<LayerCollapse>? Collapse { get; init; }
    public IReadOnlyList<UnitDilution>? Dilution { get; init; }
    /// <summary>Effective depth (SPEC §2.5); 0 at initialisation by construction.</summary>
    public double? EffectiveDepth { get; init; }
    /// <summary>λ-profile C_λ, λ = 0..L, normalised to sum 1.</summary>
    public IReadOnlyList<double>? LambdaProfile { get; init; }

    /// <summary>Number of linear layers spanned by the GSC profile: r^L is the fitted growth over the whole depth.</summary>
    public double? Growth(int linearLayers) => GscRate is double r ? Math.Pow(r, linearLayers) : null;
}
