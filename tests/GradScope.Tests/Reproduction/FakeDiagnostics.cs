using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Reproduction;
using GradScope.Tensors;

namespace GradScope.Tests.Reproduction;

/// <summary>
/// Deterministic stand-in for the diagnostics library in sweep tests: every number is a cheap function of
/// the parameters, θ⁰ and the batch, so resumed, sharded and uninterrupted sweeps must agree exactly, and
/// every plot of the report has data. The numbers mean nothing scientifically.
/// </summary>
internal sealed class FakeDiagnostics : IStudyDiagnostics
{
    public string Name => "fake-test-diagnostics";

    public DiagnosticsReport Analyze(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample,
        DiagnosticsOptions options)
    {
        int blocks = network.BlockCount;
        var scale = network.Blocks.Select(b => Norm(theta[b.Layers.OfType<GradScope.Layers.Linear<float>>().First().WeightIndex]))
            .ToArray();
        var profile = new List<GscProfilePoint>();
        double log = 0;
        int linear = 0;
        for (int position = 1; position <= blocks; position++)
        {
            var block = network.Blocks[network.BlockIndexOfPosition(position)];
            linear += block.LinearCount;
            log += Math.Log(0.5 + scale[network.BlockIndexOfPosition(position)]) * block.LinearCount;
            profile.Add(new GscProfilePoint(position, linear, Math.Exp(log), 0));
        }
        double rate = Math.Exp(log / linear);
        double mean = 0;
        foreach (float v in sample.Inputs.Span) mean += Math.Abs(v);
        mean /= sample.Inputs.Length;
        var collapse = Enumerable.Range(1, blocks).Select(p => new CollapseRecord(
            p, $"blocks.{blocks - p}", $"blocks.{blocks - p}.act", "relu", p, 1,
            mean / (1 + 0.2 * p), mean / (2 + 0.2 * p), 0.5 / (1 + 0.3 * p), 0.4 / (1 + 0.1 * p))).ToList();
        var dilution = network.Blocks.OfType<ResidualUnit<float>>().Select((u, i) =>
        {
            double k = 1 / Math.Max(u.ResidualWeight, 1e-3);
            double unit = Math.Pow(2.0, 1 / (k * k + 1));
            return new DilutionEntry(i + 1, $"blocks.{i}", u.ResidualWeight, k, 2.0, unit, unit, 3 / (unit * unit - 1),
                Math.Log(2) / Math.Log(unit), k * k + 1, 0, 0, true);
        }).ToList();
        int? effective = null;
        if (options.ResidualTrick && theta0 is not null)
            effective = (int)Math.Round(Math.Min(blocks, blocks * 20 * Distance(theta, theta0)));
        var spec = network.Spec;
        return new DiagnosticsReport
        {
            Architecture = spec.Name,
            Description = spec.ToString(),
            Depth = spec.LinearLayers,
            Width = spec.Width,
            Blocks = blocks,
            BatchSize = sample.Count,
            Seed = options.Seed,
            Epoch = options.Epoch,
            Gsc = new GscSection
            {
                Profile = profile,
                Rate = rate,
                Intercept = 1,
                R2 = 0.99,
                LinearDepth = spec.LinearLayers,
                Growth = Math.Pow(rate, spec.LinearLayers),
                Verdict = Math.Pow(rate, linear) > 10 ? "exploding" : "stable",
                Method = "exact",
            },
            Collapse = collapse,
            Dilution = dilution.Count > 0 ? dilution : null,
            EffectiveDepth = effective,
            TruncationEffectiveDepth = effective is int e ? Math.Min(blocks, e + 1) : null,
            Tau = effective is null ? null : options.ResidualTrickOptions.Tau,
            LambdaProfile = effective is null ? null : [.. Enumerable.Range(0, blocks + 1).Select(l => l == 0 ? 1.0 : 0.0)],
        };
    }

    public TaylorResult Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data,
        IReadOnlyList<int> replaced, TaylorSide side, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        // The output side degrades half as fast, so the two sides' curves differ in the report.
        double d = Distance(theta, theta0) * (side == TaylorSide.NearestInput ? 1 : 0.5);
        var points = replaced.Select(m => new TaylorPoint(m, Math.Min(0.9, 0.2 + m * d), 1 + m * d)).ToList();
        return new TaylorResult(side, data.Count, 0.2, 1, points);
    }

    private static double Norm(Matrix<float> w)
    {
        double s = 0;
        foreach (float v in w.Span) s += (double)v * v;
        return Math.Sqrt(s / w.Cols);
    }

    private static double Distance(ParameterSet<float> a, ParameterSet<float> b)
    {
        double num = 0, den = 0;
        for (int i = 0; i < a.Count; i++)
        {
            var x = a[i].Span; var y = b[i].Span;
            for (int j = 0; j < x.Length; j++) { num += Math.Pow(x[j] - y[j], 2); den += (double)y[j] * y[j]; }
        }
        return Math.Sqrt(num / Math.Max(den, 1e-12));
    }
}
