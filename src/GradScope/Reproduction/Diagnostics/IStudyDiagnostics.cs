using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Reproduction;

/// <summary>What to measure in one <see cref="IStudyDiagnostics.Measure"/> call.</summary>
public sealed record MeasureRequest
{
    public bool Gsc { get; init; } = true;
    public bool Collapse { get; init; } = true;
    public bool Dilution { get; init; } = true;
    /// <summary>Needs θ⁰; skipped when none is given.</summary>
    public bool EffectiveDepth { get; init; } = true;
    /// <summary>τ of the effective-depth definition (SPEC §2.5).</summary>
    public double Tau { get; init; } = ResidualTrickOptions.DefaultTau;
    /// <summary>Seeds any random probes so that measurements are reproducible (resumed and sharded sweeps must agree).</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// The reproduction's view of the diagnostics library (src/GradScope/Diagnostics): only the numbers the
/// studies report. Keeping the studies behind this seam lets the sweep, report and tests run with any
/// implementation, and isolates them from the library's own result types.
/// </summary>
public interface IStudyDiagnostics
{
    /// <summary>Short name recorded in the report (which implementation produced the numbers).</summary>
    string Name { get; }

    /// <summary>Measures one network state on one batch (training-mode statistics for batch norm, as in SPEC §2.2).</summary>
    Measurements Measure(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample, MeasureRequest request);

    /// <summary>Taylor experiment (SPEC §2.6): training error with the m blocks nearest the input expanded, for each m in <paramref name="replaced"/>.</summary>
    IReadOnlyList<TaylorPoint> Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data, IReadOnlyList<int> replaced);
}

/// <summary>Used when the diagnostics library is not available: every measurement is missing, training still runs.</summary>
public sealed class UnavailableDiagnostics : IStudyDiagnostics
{
    public static readonly UnavailableDiagnostics Instance = new();

    public string Name => "unavailable";

    public Measurements Measure(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample, MeasureRequest request) => new();

    public IReadOnlyList<TaylorPoint> Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data, IReadOnlyList<int> replaced) => [];
}
