using System.Numerics;
using GradScope.Limits;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>One network of the what-if table, measured on the probe batch.</summary>
/// <param name="OutputSignDiversity">Mean sign diversity of the nonlinearity nearest the output (position 1); NaN if it has none.</param>
/// <param name="PseudoLinearFraction">Fraction of the nonlinearities that are pseudo-linear (collapsing-domain rule); NaN without
/// any.</param>
/// <param name="MeanDilution">Geometric mean of k over residual units (ResNets only).</param>
/// <param name="EffectiveDepth">Only for a trained network (the original, when it is one).</param>
/// <param name="PredictedRate">Mean-field prediction of r at initialisation, where a theory applies.</param>
public sealed record WhatIfRow(
    string Label, string Architecture, long Parameters, int Depth, int Width, double? ResidualWeight,
    double Rate, double R2, double Growth, double OutputSignDiversity, double PseudoLinearFraction, double? MeanDilution,
        int? EffectiveDepth,
    double? PredictedRate, bool IsOriginal, string? NotMeasured = null);

/// <summary>
/// Builds the recommended alternatives (same input dimension, classes and parameter budget) from their initial state
/// and measures each on the same probe batch as the original, so the advice comes with numbers instead of promises.
/// Residual alternatives get their residual weight by measurement: build, read the dilution k and the branch GSC,
/// rescale w_r toward the <see cref="DilutionTarget"/>, and measure again.
/// </summary>
public static class WhatIf
{
    /// <summary>Dilution corrections of w_r before the residual alternative is reported (k ∝ 1/w_r holds only roughly).</summary>
    public const int DilutionCorrections = 2;

    /// <summary>A measured k within 5 % below its target counts as reached (k ∝ 1/w_r is only approximate).</summary>
    public const double DilutionTolerance = 0.95;

    public static IReadOnlyList<WhatIfRow> Run<T>(string originalLabel, ArchitectureSpec original, DiagnosticsReport originalReport,
        IEnumerable<Alternative> alternatives, Matrix<T> inputs, ReadOnlySpan<int> labels, ulong seed, DiagnosticsOptions options,
        DiagnosticsReport? originalInitialReport = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double inputMeanSquare = DiagMath.SumSquares<T>(inputs.Span) / Math.Max(1, inputs.Span.Length);
        var rows = new List<WhatIfRow> { Row(originalLabel, original, originalReport, inputMeanSquare, isOriginal: true) };
        if (originalInitialReport is not null)
            rows.Add(Row($"{originalLabel} at init", original, originalInitialReport, inputMeanSquare, isOriginal: false));
        var measureOptions = options with { Matrix = false, ResidualTrick = false, Collapse = true, Dilution = true };
        var x = inputs.Convert<double>();
        int[] y = labels.ToArray();
        var seen = new HashSet<ArchitectureSpec>();
        foreach (var alternative in alternatives)
        {
            if (!seen.Add(alternative.Spec)) continue;
            // An alternative too large to build here (looks-linear needs a width of at least twice the classes) is listed with
            // the reason instead of measured.
            try { NetworkFootprint.Require(alternative.Spec, parameterCopies: 4, batch: x.Rows); }
            catch (ResourceLimitException e)
            {
                rows.Add(NotMeasuredRow(alternative.Label, alternative.Spec, e.Message));
                continue;
            }
            var (spec, report) = Measure(alternative, x, y, seed, measureOptions);
            rows.Add(Row(alternative.Label, spec, report, inputMeanSquare, isOriginal: false));
        }
        return rows;
    }

    private static (ArchitectureSpec Spec, DiagnosticsReport Report) Measure(Alternative alternative, Matrix<double> x, int[] y, ulong seed,
        DiagnosticsOptions options)
    {
        var spec = alternative.Spec;
        var report = Analyze(spec, x, y, seed, options);
        if (alternative.TargetDilution is not double target || !spec.IsResidual) return (spec, report);
        for (int i = 0; i < DilutionCorrections && report.Dilution is { Count: > 0 } dilution; i++)
        {
            var m = Measurements.From(report, spec);
            double k = DilutionRules.MeanDilution(m);
            double goal = double.IsNaN(target)
                ? DilutionTarget.For(Math.Exp(dilution.Average(d => Math.Log(Math.Max(d.GscBranch, 1e-300)))), dilution.Count)
                : target;
            // The target is a minimum: a unit diluted more than needed is left alone.
            if (k >= goal * DilutionTolerance) break;
            spec = spec.WithResidualWeight(DilutionTarget.ResidualWeightFor(spec.EffectiveResidualWeight, k, goal));
            report = Analyze(spec, x, y, seed, options);
        }
        return (spec, report);
    }

    private static DiagnosticsReport Analyze(ArchitectureSpec spec, Matrix<double> x, int[] y, ulong seed, DiagnosticsOptions options)
    {
        var network = Network<double>.Build(spec);
        var theta = Initializer.Initialize(network, seed);
        return DiagnosticsRunner.Analyze(network, theta, null, x, y, options);
    }

    private static WhatIfRow NotMeasuredRow(string label, ArchitectureSpec spec, string reason) =>
        new(label, spec.Name, NetworkFootprint.ParameterCount(spec), spec.LinearLayers, spec.Width,
            spec.IsResidual ? spec.EffectiveResidualWeight : null, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, null, null,
            null, IsOriginal: false, NotMeasured: reason);

    private static double PseudoLinearFraction(Measurements m)
    {
        var nonlinear = m.Nonlinearities.Where(n => n.Activation != "linear").ToList();
        return nonlinear.Count == 0 ? double.NaN
            : (double)nonlinear.Count(n => n.PseudoLinearity < DiagnosisThresholds.PseudoLinearity) / nonlinear.Count;
    }

    private static WhatIfRow Row(string label, ArchitectureSpec spec, DiagnosticsReport report, double inputMeanSquare, bool isOriginal)
    {
        var m = Measurements.From(report, spec);
        var outputSide = report.Collapse.Where(c => c.Position == 1).ToList();
        return new WhatIfRow(label, spec.Name, spec.TrainableParameters, spec.LinearLayers, spec.Width,
            spec.IsResidual ? spec.EffectiveResidualWeight : null,
            report.Gsc.Rate, report.Gsc.R2, report.Gsc.Growth,
            outputSide.Count > 0 ? outputSide.Average(c => c.SignDiversityMean) : double.NaN,
            PseudoLinearFraction(m),
            m.Dilution.Count > 0 ? DilutionRules.MeanDilution(m) : null,
            m.EffectiveDepth,
            MeanFieldTheory.Predict(spec, inputMeanSquare)?.Rate,
            isOriginal);
    }
}
