using System.Numerics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>Thresholds of the exploding-gradient verdict (SPEC §2.2, §7); defaults from <see cref="PathologyThresholds"/>.</summary>
public sealed record VerdictOptions
{
    /// <summary>"exploding" when the fitted growth over the whole depth r^L exceeds this.</summary>
    public double ExplodingThreshold { get; init; } = PathologyThresholds.ExplodingGrowth;
    /// <summary>"vanishing" when r^L is below this.</summary>
    public double VanishingThreshold { get; init; } = PathologyThresholds.VanishingGrowth;
    /// <summary>"exploding" also when the per-layer rate reaches this and the fit is exponential (R² ≥ <see cref="MinimumR2"/>).</summary>
    public double ExplodingRate { get; init; } = PathologyThresholds.ExplodingRatePerLayer;
    /// <summary>"vanishing" also when the per-layer rate is at most this and the fit is exponential.</summary>
    public double VanishingRate { get; init; } = PathologyThresholds.VanishingRatePerLayer;
    /// <summary>R² from which the per-layer rate alone decides.</summary>
    public double MinimumR2 { get; init; } = PathologyThresholds.ExponentialFitMinimumR2;
}

/// <summary>One GSC value with its standard error (0 when exact).</summary>
public readonly record struct GscValue(double Value, double StandardError, bool Exact)
{
    public double Log => Math.Log(Value);
}

/// <summary>Least-squares fit log GSC(k,0) = log c + n(k)·log r, n(k) = linear layers from the output.</summary>
/// <param name="Growth">r^L with L the number of linear layers of the network (output layer excluded).</param>
/// <param name="Verdict">"exploding", "vanishing", "stable" or "undetermined" (fewer than two positions).</param>
public sealed record GscFit(double Rate, double Intercept, double R2, int LinearDepth, double Growth, string Verdict);

/// <summary>GSC(k, 0) for k = 1 … L.</summary>
public sealed record GscProfile(
    IReadOnlyList<int> Positions,
    IReadOnlyList<int> LinearLayers,
    IReadOnlyList<GscValue> Values,
    GscFit Fit,
    JacobianMode Mode);

/// <summary>Gradient scale coefficients (SPEC §2.2): GSC(k, l) = ‖J‖_qm · ‖f_k‖ / ‖f_l‖ with J = ∂f_l/∂f_k.</summary>
public static class GradientScale
{
    /// <summary>log GSC(k, l) from ‖J‖_F² (qm norm: ‖J‖_F / √(B·d_k)).</summary>
    public static double LogGsc<T>(JacobianTools<T> tools, FrobeniusEstimate frob, int k, int l)
        where T : unmanaged, IFloatingPointIeee754<T>
        => 0.5 * (frob.LogSquared - tools.LogInputDimension(k)) + tools.LogPositionNorm(k) - tools.LogPositionNorm(l);

    private static GscValue ToValue<T>(JacobianTools<T> tools, FrobeniusEstimate frob, int k, int l)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double g = Math.Exp(LogGsc(tools, frob, k, l));
        // GSC ∝ √‖J‖_F², so its relative standard error is half that of ‖J‖_F² (delta method).
        return new GscValue(g, 0.5 * frob.RelativeStandardError * g, frob.Exact);
    }

    /// <summary>
    /// Linear layers between position k and the loss, the output layer included: n(0) = 0, n(1) = 1, and every
    /// block between adds its linear layers (ResNet units add m). For vanilla networks n(k) = k.
    /// </summary>
    public static int LinearLayersFromOutput<T>(Network<T> network, int position) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (position <= 0) return 0;
        int n = 1;
        for (int p = 1; p < Math.Min(position, network.BlockCount + 1); p++)
            n += network.Blocks[network.BlockIndexOfPosition(p)].LinearCount;
        return n;
    }

    /// <summary>GSC(k, l) for one pair, 0 ≤ l &lt; k ≤ L + 1 (L + 1 = the network input).</summary>
    public static GscValue Pair<T>(JacobianTools<T> tools, int k, int l, JacobianMode mode = JacobianMode.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(0 <= l && l < k)) throw new ArgumentOutOfRangeException(nameof(l), $"Need l < k, got k = {k}, l = {l}.");
        var frob = tools.SquaredFrobenius(l, k, mode);
        return ToValue(tools, frob[k], k, l);
    }

    /// <summary>
    /// The profile GSC(k, 0), k = 1 … L, and its fit: exact by default for every network (SPEC §2.2). Without batch
    /// coupling this is one backward pass of the per-example-loss vector (ones cotangent: row b at position k is
    /// ∂ℓ_b/∂f_k(b)); with coupling, the B unit vectors of the loss vector (d_0 = 1) as B stacked cotangents through
    /// the one cached forward. Gaussian probes (Hutchinson) only when <paramref name="mode"/> asks for them.
    /// </summary>
    public static GscProfile Profile<T>(JacobianTools<T> tools, JacobianMode mode = JacobianMode.Auto, VerdictOptions? verdict = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = tools.BlockCount;
        var resolved = tools.ResolveProfileMode(mode);
        var frob = tools.SquaredFrobenius(0, blocks, resolved);
        var positions = new List<int>();
        var linear = new List<int>();
        var values = new List<GscValue>();
        for (int k = 1; k <= blocks; k++)
        {
            positions.Add(k);
            linear.Add(LinearLayersFromOutput(tools.Network, k));
            values.Add(ToValue(tools, frob[k], k, 0));
        }
        int depth = tools.Network.Blocks.Sum(b => b.LinearCount);
        var fit = Fit(linear.Select(n => (double)n).ToList(), values.Select(v => v.Log).ToList(), depth, verdict ?? new VerdictOptions());
        return new GscProfile(positions, linear, values, fit, resolved);
    }

    /// <summary>Fit of log GSC against linear-layer counts and the verdict (<see cref="GrowthVerdict"/>).</summary>
    public static GscFit Fit(IReadOnlyList<double> linearLayers, IReadOnlyList<double> logGsc, int linearDepth, VerdictOptions verdict)
    {
        var finite = Enumerable.Range(0, logGsc.Count).Where(i => double.IsFinite(logGsc[i])).ToList();
        var (intercept, slope, r2) = DiagMath.LinearFit(finite.Select(i => linearLayers[i]).ToList(),
            finite.Select(i => logGsc[i]).ToList());
        if (double.IsNaN(slope))
            return new GscFit(double.NaN, Math.Exp(intercept), double.NaN, linearDepth, double.NaN, GrowthVerdict.Undetermined);
        double logGrowth = slope * linearDepth;
        string v = GrowthVerdict.Classify(Math.Exp(slope), r2, linearDepth, verdict);
        return new GscFit(Math.Exp(slope), Math.Exp(intercept), r2, linearDepth, Math.Exp(logGrowth), v);
    }

    /// <summary>
    /// The full matrix GSC(k, l) for 0 ≤ l ≤ k ≤ <paramref name="kMax"/> (default L): entry [k][l], 1 on the diagonal,
    /// undefined (NaN) above it. One sweep per l: each chunk of stacked cotangents of position l is propagated back
    /// through every position k &gt; l and the norms are read on the way (for chains of linear → ReLU blocks, exact mode,
    /// the same norms by <see cref="ReluChainFrobenius"/>).
    /// </summary>
    public static GscValue[][] Matrix<T>(JacobianTools<T> tools, JacobianMode mode = JacobianMode.Auto, int? kMax = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int top = kMax ?? tools.BlockCount;
        var result = new GscValue[top + 1][];
        for (int k = 0; k <= top; k++)
        {
            result[k] = new GscValue[top + 1];
            for (int l = 0; l <= top; l++) result[k][l] = l == k ? new GscValue(1, 0, true) : new GscValue(double.NaN, double.NaN, false);
        }
        var resolved = tools.ResolveMode(mode);
        // Chains of linear → ReLU blocks: the same exact norms one example at a time, skipping the inactive units.
        var chain = resolved == JacobianMode.Exact && ReluChainFrobenius.Applies(tools, 1, top)
            ? ReluChainFrobenius.Compute(tools, 1, top) : null;
        for (int l = 0; l < top; l++)
        {
            var frob = chain?[l] ?? tools.SquaredFrobenius(l, top, resolved, Rng.ForStream(tools.Options.ProbeSeed, 1000 + (ulong)l));
            for (int k = l + 1; k <= top; k++) result[k][l] = ToValue(tools, frob[k], k, l);
        }
        return result;
    }
}
