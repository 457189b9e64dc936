using System.Numerics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>Measure, diagnose, recommend, compare with theory and (optionally) measure the alternatives: the analyze pipeline.</summary>
public static class DiagnosisRunner
{
    /// <summary>
    /// Runs the diagnostics of <paramref name="spec"/> with θ (and θ⁰ when trained) on the batch, then the diagnosis.
    /// <paramref name="whatIf"/> also builds and measures the recommended alternatives on the same batch.
    /// </summary>
    public static DiagnosisResult Run<T>(string label, ArchitectureSpec spec, ParameterSet<T> theta, ParameterSet<T>? theta0,
        Matrix<T> inputs, ReadOnlySpan<int> labels, DiagnosticsOptions options, bool whatIf)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var report = DiagnosticsRunner.Analyze(spec, theta, theta0, inputs, labels, options);
        // A trained network's alternatives are measured from their initial state, so its own initial state joins the table.
        DiagnosticsReport? initial = whatIf && theta0 is not null
            ? DiagnosticsRunner.Analyze(spec, theta0, null, inputs, labels, options with { Matrix = false, ResidualTrick = false })
            : null;
        return Diagnose(label, spec, report, inputs, labels, options, whatIf, initial);
    }

    /// <summary>The diagnosis of an existing report (<paramref name="inputs"/> are needed for theory and what-if).</summary>
    public static DiagnosisResult Diagnose<T>(string label, ArchitectureSpec? spec, DiagnosticsReport report, Matrix<T> inputs,
        ReadOnlySpan<int> labels, DiagnosticsOptions options, bool whatIf, DiagnosticsReport? initialReport = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var measurements = Measurements.From(report, spec);
        var findings = Diagnoser.Diagnose(measurements);
        var recommendations = Recommender.Recommend(findings, measurements);
        double inputMeanSquare = DiagMath.SumSquares<T>(inputs.Span) / Math.Max(1, inputs.Span.Length);
        TheoryComparison? theory = null;
        bool atInit = measurements.EffectiveDepth is null && report.Epoch is null or 0;
        if (spec is not null && atInit && MeanFieldTheory.Predict(spec, inputMeanSquare) is { } prediction)
            theory = TheoryComparison.Compare(prediction, measurements, spec.Width);
        IReadOnlyList<WhatIfRow>? rows = null;
        if (whatIf && spec is not null)
        {
            var alternatives = recommendations.SelectMany(r => r.Alternatives).ToList();
            if (alternatives.Count == 0)
            {
                // Nothing was found: still show how the standard remedies compare, so "no finding" is itself measured.
                long budget = spec.TrainableParameters;
                if (!(spec.Init == InitKind.LooksLinear && spec.Normalization == NormKind.None))
                    alternatives.Add(Recommender.OrthogonalInitialState(spec, budget));
                if (!spec.IsResidual) alternatives.Add(Recommender.ResidualVersion(spec, budget));
            }
            rows = WhatIf.Run(label, spec, report, alternatives, inputs, labels, options.Seed ?? 1, options, initialReport);
        }
        return new DiagnosisResult(label, spec, report, findings, recommendations, theory, rows);
    }
}
