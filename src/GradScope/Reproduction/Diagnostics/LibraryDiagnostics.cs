using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Reproduction;

/// <summary>The studies' diagnostics backed by the diagnostics library (<see cref="DiagnosticsRunner"/>, <see cref="TaylorExperiment"/>).</summary>
public sealed class LibraryDiagnostics : IStudyDiagnostics
{
    public static readonly LibraryDiagnostics Instance = new();

    public string Name => "gradscope-diagnostics";

    public Measurements Measure(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample, MeasureRequest request)
    {
        bool trick = request.EffectiveDepth && theta0 is not null;
        var report = DiagnosticsRunner.Analyze(network.Spec, theta, trick ? theta0 : null, sample.Inputs, sample.Labels, new DiagnosticsOptions
        {
            Jacobian = new JacobianOptions { ProbeSeed = request.Seed },
            Collapse = request.Collapse,
            Dilution = request.Dilution,
            ResidualTrick = trick,
            ResidualTrickOptions = new ResidualTrickOptions { Tau = request.Tau },
            Seed = request.Seed,
        });
        var gsc = report.Gsc;
        return new Measurements
        {
            GscProfile = request.Gsc ? [.. gsc.Profile.Select((g, i) => new GscPoint(i + 1, gsc.LinearLayers[i], g))] : null,
            GscRate = request.Gsc ? gsc.Rate : null,
            GscIntercept = request.Gsc ? gsc.Intercept : null,
            GscR2 = request.Gsc ? gsc.R2 : null,
            GscVerdict = request.Gsc ? gsc.Verdict : null,
            // A residual unit has m nonlinearities at one position: the report shows their mean.
            Collapse = report.Collapse.Count == 0 ? null : [.. report.Collapse.GroupBy(c => c.Position).OrderBy(g => g.Key).Select(g => new LayerCollapse(
                g.Key, g.Average(c => c.PreActivationStdMean), g.Min(c => c.PreActivationStdMin), g.Average(c => c.SignDiversityMean), g.Average(c => c.PseudoLinearityMean)))],
            Dilution = report.Dilution is { Count: > 0 } d ? [.. d.Select(e => new UnitDilution(e.Position, e.Dilution, e.GscBranch, e.GscUnit, e.PredictedGscUnit, e.GrowthReduction))] : null,
            EffectiveDepth = report.EffectiveDepth,
            LambdaProfile = report.LambdaProfile,
        };
    }

    public IReadOnlyList<TaylorPoint> Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data, IReadOnlyList<int> replaced)
    {
        if (replaced.Count == 0 || data.Count == 0) return [];
        var result = TaylorExperiment.Run(network, theta, theta0, data.Inputs, data.Labels, new TaylorOptions { Counts = replaced });
        return [.. result.Points.Select(p => new TaylorPoint(p.Replaced, p.Error))];
    }
}
