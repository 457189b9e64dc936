using GradScope.Networks;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>Collapse statistics of one nonlinearity, as the rules read them.</summary>
public sealed record NonlinearityMeasurement(int Position, string Activation, double PreActivationStd, double SignDiversity,
    double PseudoLinearity);

/// <summary>Dilution of one residual unit, as the rules read it.</summary>
public sealed record UnitDilution(int Position, double ResidualWeight, double Dilution, double GscBranch, double GscUnit);

/// <summary>
/// What the diagnosis rules read: a flat view of one <see cref="DiagnosticsReport"/>, so the rules can be tested on
/// hand-built numbers and do not depend on how the report is laid out.
/// </summary>
public sealed record Measurements
{
    /// <summary>The zoo spec when known (null for an imported network that maps onto no zoo family).</summary>
    public ArchitectureSpec? Spec { get; init; }
    /// <summary>Compositional depth in linear layers (output layer excluded).</summary>
    public int LinearDepth { get; init; }
    /// <summary>Number of blocks L (positions 1 … L).</summary>
    public int Blocks { get; init; }
    public int BatchSize { get; init; }
    /// <summary>GSC(k, 0) for k = 1 … L.</summary>
    public IReadOnlyList<double> GscProfile { get; init; } = [];
    /// <summary>Standard error of each profile value (0 when exact).</summary>
    public IReadOnlyList<double> GscStandardError { get; init; } = [];
    /// <summary>Linear layers between each profile position and the loss.</summary>
    public IReadOnlyList<int> LinearLayers { get; init; } = [];
    public double Rate { get; init; } = double.NaN;
    public double R2 { get; init; } = double.NaN;
    /// <summary>r^LinearDepth.</summary>
    public double Growth { get; init; } = double.NaN;
    public IReadOnlyList<NonlinearityMeasurement> Nonlinearities { get; init; } = [];
    public IReadOnlyList<UnitDilution> Dilution { get; init; } = [];
    public bool CouplesExamples { get; init; }
    public bool HasNorm { get; init; }
    /// <summary>Effective depth, present only for a trained network (θ ≠ θ⁰).</summary>
    public int? EffectiveDepth { get; init; }
    public IReadOnlyList<double>? LambdaProfile { get; init; }

    /// <summary>The rules' view of a measured report; <paramref name="spec"/> when the network is a zoo network.</summary>
    public static Measurements From(DiagnosticsReport report, ArchitectureSpec? spec)
    {
        bool trained = report.LambdaProfile is { Count: > 1 } lambda && lambda.Skip(1).Any(w => w > 0);
        return new Measurements
        {
            Spec = spec,
            LinearDepth = report.Gsc.LinearDepth,
            Blocks = report.Blocks,
            BatchSize = report.BatchSize,
            GscProfile = report.Gsc.Profile.Select(p => p.Value).ToList(),
            GscStandardError = report.Gsc.Profile.Select(p => p.StandardError).ToList(),
            LinearLayers = report.Gsc.Profile.Select(p => p.LinearLayers).ToList(),
            Rate = report.Gsc.Rate,
            R2 = report.Gsc.R2,
            Growth = report.Gsc.Growth,
            Nonlinearities = report.Collapse
                .Select(c => new NonlinearityMeasurement(c.Position, c.Activation, c.PreActivationStdMean, c.SignDiversityMean,
                    c.PseudoLinearityMean))
                .ToList(),
            Dilution = (report.Dilution ?? [])
                .Select(d => new UnitDilution(d.Position, d.ResidualWeight, d.Dilution, d.GscBranch, d.GscUnit))
                .ToList(),
            CouplesExamples = report.CouplesExamples,
            HasNorm = spec is { Normalization: not NormKind.None } || report.Description.Contains("norm",
                StringComparison.OrdinalIgnoreCase),
            EffectiveDepth = trained || report.Epoch is > 0 ? report.EffectiveDepth : null,
            LambdaProfile = report.LambdaProfile,
        };
    }
}
