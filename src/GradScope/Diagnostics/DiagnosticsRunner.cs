using System.Diagnostics;
using System.Numerics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>Precision of the (expensive) full GSC matrix; everything else runs in double.</summary>
public enum MatrixPrecision { Double, Float }

/// <summary>What <see cref="DiagnosticsRunner"/> computes and how.</summary>
public sealed record DiagnosticsOptions
{
    public JacobianOptions Jacobian { get; init; } = new();
    public VerdictOptions Verdict { get; init; } = new();
    /// <summary>Method of the GSC(k, 0) profile (Auto: exact for every network; Hutchinson only when asked).</summary>
    public JacobianMode ProfileMode { get; init; } = JacobianMode.Auto;
    /// <summary>Compute the full matrix GSC(k, l).</summary>
    public bool Matrix { get; init; }
    public JacobianMode MatrixMode { get; init; } = JacobianMode.Auto;
    public MatrixPrecision MatrixPrecision { get; init; } = MatrixPrecision.Double;
    public bool Collapse { get; init; } = true;
    public bool Dilution { get; init; } = true;
    public JacobianMode DilutionMode { get; init; } = JacobianMode.Auto;
    /// <summary>λ-profile and effective depth (needs θ⁰).</summary>
    public bool ResidualTrick { get; init; } = true;
    public ResidualTrickOptions ResidualTrickOptions { get; init; } = new();
    /// <summary>Recorded in the report only.</summary>
    public ulong? Seed { get; init; }
    public int? Epoch { get; init; }
}

/// <summary>Runs every diagnostic of SPEC §2 on one batch and collects the one result type, <see cref="DiagnosticsReport"/>.</summary>
public static class DiagnosticsRunner
{
    /// <summary>
    /// Analyses the network <paramref name="spec"/> with parameters θ (and θ⁰ for the residual trick) on one batch,
    /// in double precision whatever T is (θ, θ⁰ and the inputs are converted). The forward pass uses
    /// <see cref="ForwardMode.Analyze"/>: batch statistics as in training, running statistics untouched.
    /// </summary>
    public static DiagnosticsReport Analyze<T>(ArchitectureSpec spec, ParameterSet<T> theta, ParameterSet<T>? theta0,
        Matrix<T> inputs, ReadOnlySpan<int> labels, DiagnosticsOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = Network<double>.Build(spec);
        return Analyze(network, theta.Convert<double>(), theta0?.Convert<double>(), inputs.Convert<double>(), labels, options);
    }

    /// <summary>Analyses in double with an existing network definition.</summary>
    public static DiagnosticsReport Analyze(Network<double> network, ParameterSet<double> theta, ParameterSet<double>? theta0,
        Matrix<double> inputs, ReadOnlySpan<int> labels, DiagnosticsOptions? options = null)
    {
        options ??= new DiagnosticsOptions();
        var timings = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();
        var total = Stopwatch.StartNew();
        void Lap(string name) { timings[name] = watch.Elapsed.TotalMilliseconds; watch.Restart(); }

        var tape = network.CreateTape();
        double loss = network.Forward(theta, inputs, labels, tape, ForwardMode.Analyze);
        var tools = new JacobianTools<double>(network, theta, tape, options.Jacobian);
        Lap("forward");

        var profile = GradientScale.Profile(tools, options.ProfileMode, options.Verdict);
        Lap("gsc_profile");

        IReadOnlyList<CollapseRecord> collapse = [];
        if (options.Collapse)
        {
            collapse = CollapseMetrics.ForNetwork(network, theta, tape)
                .Select(c => new CollapseRecord(c.Position, c.Block, c.Layer, c.Activation, c.LinearLayersFromOutput, c.Statistics.Units,
                    c.Statistics.PreActivationStdMean, c.Statistics.PreActivationStdMin,
                    c.Statistics.SignDiversityMean, c.Statistics.PseudoLinearityMean))
                .ToList();
            Lap("collapse");
        }

        IReadOnlyList<DilutionEntry>? dilution = null;
        if (options.Dilution && network.Blocks.Any(b => b is ResidualUnit<double>))
        {
            dilution = Dilution.Compute(tools, options.DilutionMode);
            Lap("dilution");
        }

        ResidualTrickResult? trick = null;
        IReadOnlyList<BlockChangeEntry>? change = null;
        if (options.ResidualTrick && theta0 is not null)
        {
            trick = ResidualTrick.Compute(network, theta, theta0, tape, options.ResidualTrickOptions);
            Lap("effective_depth");
            change = BlockChange.Compute(network, theta, theta0, tape);
            Lap("block_change");
        }

        double?[][]? matrix = null, matrixSe = null;
        string? matrixMethod = null;
        if (options.Matrix)
        {
            GscValue[][] values;
            if (options.MatrixPrecision == MatrixPrecision.Float)
            {
                var floatNetwork = Network<float>.Build(network.Spec);
                var floatTheta = theta.Convert<float>();
                var floatTape = floatNetwork.CreateTape();
                floatNetwork.Forward(floatTheta, inputs.Convert<float>(), labels, floatTape, ForwardMode.Analyze);
                var floatTools = new JacobianTools<float>(floatNetwork, floatTheta, floatTape, options.Jacobian);
                values = GradientScale.Matrix(floatTools, options.MatrixMode);
                matrixMethod = MethodName(floatTools.ResolveMode(options.MatrixMode));
            }
            else
            {
                values = GradientScale.Matrix(tools, options.MatrixMode);
                matrixMethod = MethodName(tools.ResolveMode(options.MatrixMode));
            }
            matrix = values.Select((row, k) => row.Select((v, l) => l > k ? (double?)null : v.Value).ToArray()).ToArray();
            matrixSe = values.Select((row, k) => row.Select((v, l) => l > k ? (double?)null : v.StandardError).ToArray()).ToArray();
            Lap("gsc_matrix");
        }
        timings["total"] = total.Elapsed.TotalMilliseconds;

        var fit = profile.Fit;
        var spec = network.Spec;
        return new DiagnosticsReport
        {
            Architecture = spec.Name,
            Description = spec.ToString(),
            Depth = spec.LinearLayers,
            Width = spec.Width,
            Blocks = network.BlockCount,
            BatchSize = tape.BatchSize,
            Seed = options.Seed,
            Epoch = options.Epoch,
            CouplesExamples = network.CouplesExamples,
            Loss = loss,
            Gsc = new GscSection
            {
                Profile = [.. profile.Values.Select((v, i) =>
                    new GscProfilePoint(profile.Positions[i], profile.LinearLayers[i], v.Value, v.StandardError))],
                Rate = fit.Rate,
                Intercept = fit.Intercept,
                R2 = fit.R2,
                Growth = fit.Growth,
                LinearDepth = fit.LinearDepth,
                Verdict = fit.Verdict,
                ExplodingThreshold = options.Verdict.ExplodingThreshold,
                VanishingThreshold = options.Verdict.VanishingThreshold,
                Method = MethodName(profile.Mode),
                Probes = profile.Mode == JacobianMode.Hutchinson ? options.Jacobian.Probes : null,
                Matrix = matrix,
                MatrixStandardError = matrixSe,
                MatrixMethod = matrixMethod,
                MatrixPrecision = options.Matrix ? options.MatrixPrecision.ToString().ToLowerInvariant() : null,
            },
            Collapse = collapse,
            Dilution = dilution,
            EffectiveDepth = trick?.EffectiveDepth,
            Tau = trick?.Tau,
            LambdaProfile = trick?.Profile.Weights,
            LambdaProfilePerBlock = trick is { PerBlock.Count: > 0 } ? trick.PerBlock : null,
            TruncationEffectiveDepth = trick?.Truncation.EffectiveDepth,
            LambdaCancellation = trick?.Truncation.Cancellation,
            BlockChange = change,
            TimingsMs = timings,
        };
    }

    private static string MethodName(JacobianMode mode) => mode == JacobianMode.Hutchinson ? "hutchinson" : "exact";
}
