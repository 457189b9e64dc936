using System.Numerics;
using System.Runtime.InteropServices;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>How far one block moved from its initial state (issue 10 item 2), read next to the λ-profile.</summary>
/// <param name="Position">Position of the block's output (1 = nearest the output).</param>
/// <param name="Block">The block's name (<c>blocks.{b}</c>).</param>
/// <param name="Drift">‖θ_b − θ⁰_b‖ / ‖θ⁰_b‖ over the block's trainable tensors.</param>
/// <param name="WeightAngleDegrees">
/// Angle between the block's linear weights and their initial values. Batch norm makes a block invariant to the scale of
/// the weights feeding it, so a large drift with a small angle is growth the function cannot see.
/// </param>
/// <param name="ResidualJacobianRatio">
/// ‖J_r‖_F / ‖J_i‖_F = ‖J_r‖_qm / ‖J_i‖_qm at the current activations (J_i: the block with θ⁰, J_r = J_θ − J_i), a Hutchinson
/// ratio over <see cref="BlockChangeOptions.Probes"/> Gaussian cotangents shared by both. The residual trick's path
/// expansion is informative when it is small; near or above 1 the λ-groups grow like binomial coefficients.
/// </param>
public sealed record BlockChangeEntry(int Position, string Block, double Drift, double WeightAngleDegrees, double ResidualJacobianRatio);

public sealed record BlockChangeOptions
{
    /// <summary>Gaussian cotangents per block for the Jacobian ratio.</summary>
    public int Probes { get; init; } = 8;
    public ulong Seed { get; init; } = 0xB10C;
}

/// <summary>Per-block drift and residual-Jacobian size (issue 10 item 2).</summary>
public static class BlockChange
{
    /// <summary>Every block, input side first, at the forward recorded in <paramref name="tape"/> (θ, usually Analyze mode).</summary>
    public static IReadOnlyList<BlockChangeEntry> Compute<T>(Network<T> network, ParameterSet<T> theta, ParameterSet<T> theta0,
        Tape<T> tape, BlockChangeOptions? options = null, ForwardMode mode = ForwardMode.Analyze)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= new BlockChangeOptions();
        var rng = Rng.ForStream(options.Seed, 1);
        var result = new List<BlockChangeEntry>();
        var withTheta = new Matrix<T>(0, 0);
        var withInit = new Matrix<T>(0, 0);
        var initOutput = new Matrix<T>(0, 0);
        var probes = new Matrix<T>(0, 0);
        var thetaOutput = new Matrix<T>(0, 0);
        var caches = new StructureCaches<T>();
        for (int b = 0; b < network.BlockCount; b++)
        {
            var block = network.Blocks[b];
            var (drift, angle) = ParameterChange(block, theta, theta0);
            var x = tape.Activations[b];
            var y = tape.Activations[b + 1];
            probes.Resize(options.Probes * x.Rows, y.Cols);
            DiagMath.FillGaussian(probes.Span, rng);
            // Both VJPs on caches shared by the blocks of one structure (see StructureCaches), not on the tape's.
            var (thetaCache, initCache) = caches.For(block);
            block.Forward(theta, x, thetaOutput, thetaCache, mode);
            block.Backward(theta, x, thetaOutput, thetaCache, probes, withTheta, null);
            block.Forward(theta0, x, initOutput, initCache, mode);
            block.Backward(theta0, x, initOutput, initCache, probes, withInit, null);
            double initSq = DiagMath.SumSquares<T>(withInit.Span);
            double residualSq = SumSquaredDifferences<T>(withTheta.Span, withInit.Span);
            double ratio = initSq > 0 ? Math.Sqrt(residualSq / initSq) : double.PositiveInfinity;
            result.Add(new BlockChangeEntry(network.BlockCount - b, block.Name, drift, angle, ratio));
        }
        return result;
    }

    /// <summary>Σ (a − b)², each difference taken in double (float inputs are widened first), in vector lanes.</summary>
    private static double SumSquaredDifferences<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        int i = 0;
        if (typeof(T) == typeof(double))
        {
            var x = MemoryMarshal.Cast<T, double>(a); var y = MemoryMarshal.Cast<T, double>(b);
            int w = Vector<double>.Count;
            var acc = Vector<double>.Zero;
            for (; i <= x.Length - w; i += w)
            {
                var d = new Vector<double>(x.Slice(i, w)) - new Vector<double>(y.Slice(i, w));
                acc += d * d;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < a.Length; i++)
        {
            double d = double.CreateTruncating(a[i]) - double.CreateTruncating(b[i]);
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Relative drift of all trainable tensors and the angle between the linear weights and their initial values.</summary>
    public static (double Drift, double AngleDegrees) ParameterChange<T>(Block<T> block, ParameterSet<T> theta, ParameterSet<T> theta0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string prefix = block.Name + ".";
        double diffSq = 0, initSq = 0, dot = 0, wSq = 0, w0Sq = 0;
        for (int i = 0; i < theta.Count; i++)
        {
            var e = theta.Layout.Entries[i];
            if (!e.Trainable || !e.Name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var a = theta[i].Span; var a0 = theta0[i].Span;
            bool weight = e.Name.EndsWith(".linear.weight", StringComparison.Ordinal);
            for (int j = 0; j < a.Length; j++)
            {
                double v = double.CreateTruncating(a[j]), v0 = double.CreateTruncating(a0[j]);
                diffSq += (v - v0) * (v - v0);
                initSq += v0 * v0;
                if (!weight) continue;
                dot += v * v0; wSq += v * v; w0Sq += v0 * v0;
            }
        }
        double drift = initSq > 0 ? Math.Sqrt(diffSq / initSq) : diffSq > 0 ? double.PositiveInfinity : 0;
        double cos = wSq > 0 && w0Sq > 0 ? Math.Clamp(dot / Math.Sqrt(wSq * w0Sq), -1, 1) : 1;
        return (drift, Math.Acos(cos) * 180 / Math.PI);
    }
}
