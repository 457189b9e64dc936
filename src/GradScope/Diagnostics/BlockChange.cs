using System.Numerics;
using System.Runtime.CompilerServices;
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
    /// <summary>The pool the blocks run on (null: the shared pool); tests compare a one-thread pool with others.</summary>
    internal WorkerPool? Pool { get; init; }
}

/// <summary>Per-block drift and residual-Jacobian size (issue 10 item 2).</summary>
public static class BlockChange
{
    /// <summary>Every block, input side first, at the forward recorded in <paramref name="tape"/> (θ, usually Analyze mode).</summary>
    /// <remarks>
    /// The blocks run on the worker pool, each on its thread's own forward caches and scratch. Their probes come from one
    /// generator stream, drawn block after block: a block takes its turn at the generator (the accepted polar points, the
    /// cheap sequential half of the draws), hands it on, and then finishes its deviates and runs its four passes in parallel
    /// with the others. The draws, and so the ratios, are those of one thread drawing every block's probes in order.
    /// </remarks>
    public static IReadOnlyList<BlockChangeEntry> Compute<T>(Network<T> network, ParameterSet<T> theta, ParameterSet<T> theta0,
        Tape<T> tape, BlockChangeOptions? options = null, ForwardMode mode = ForwardMode.Analyze)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= new BlockChangeOptions();
        var entries = new BlockChangeEntry[network.BlockCount];
        var work = new BlockWork<T>(network, theta, theta0, tape, options, mode, entries);
        (options.Pool ?? WorkerPool.Shared).For(network.BlockCount, new BlockItem<T>(work));
        return entries;
    }

    private readonly struct BlockItem<T>(BlockWork<T> work) : IWorkItem where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index) => work.Run(index);
    }

    /// <summary>One thread's buffers: probes, both block outputs and VJPs, and forward caches per block structure.</summary>
    private sealed class Scratch<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Matrix<T> Probes { get; } = new(0, 0);
        public Matrix<T> ThetaOutput { get; } = new(0, 0);
        public Matrix<T> InitOutput { get; } = new(0, 0);
        public Matrix<T> WithTheta { get; } = new(0, 0);
        public Matrix<T> WithInit { get; } = new(0, 0);
        // Caches shared by the blocks of one structure (see StructureCaches), not the tape's.
        public StructureCaches<T> Caches { get; } = new();
    }

    private sealed class BlockWork<T>(Network<T> network, ParameterSet<T> theta, ParameterSet<T> theta0, Tape<T> tape,
        BlockChangeOptions options, ForwardMode mode, BlockChangeEntry[] entries) where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Rng _rng = Rng.ForStream(options.Seed, 1);
        private readonly ScratchBag<Scratch<T>> _spare = new(() => new Scratch<T>());
        private int _turn; // the block whose probes are drawn next
        private bool _failed;

        public void Run(int b)
        {
            using var lease = _spare.Take();
            var scratch = lease.Scratch;
            try
            {
                var block = network.Blocks[b];
                var (drift, angle) = ParameterChange(block, theta, theta0);
                var x = tape.Activations[b];
                var probes = scratch.Probes.Resize(options.Probes * x.Rows, tape.Activations[b + 1].Cols);
                if (!Draw(b, probes.Span)) return;
                var (thetaCache, initCache) = scratch.Caches.For(block);
                block.Forward(theta, x, scratch.ThetaOutput, thetaCache, mode);
                block.Backward(theta, x, scratch.ThetaOutput, thetaCache, probes, scratch.WithTheta, null);
                block.Forward(theta0, x, scratch.InitOutput, initCache, mode);
                block.Backward(theta0, x, scratch.InitOutput, initCache, probes, scratch.WithInit, null);
                double initSq = DiagMath.SumSquares<T>(scratch.WithInit.Span);
                double residualSq = SumSquaredDifferences<T>(scratch.WithTheta.Span, scratch.WithInit.Span);
                double ratio = initSq > 0 ? Math.Sqrt(residualSq / initSq) : double.PositiveInfinity;
                entries[b] = new BlockChangeEntry(network.BlockCount - b, block.Name, drift, angle, ratio);
            }
            catch
            {
                Volatile.Write(ref _failed, true); // blocks waiting for a turn this block will not pass on give up
                throw;
            }
        }

        /// <summary>Block b's probes: waits for blocks 0 … b − 1 to have drawn theirs (the pool hands out blocks in order, and
        /// each holds the generator only for its sequential half), draws, passes the generator on, then finishes the
        /// deviates on this thread. False when an earlier block failed (its exception ends the whole call).</summary>
        private bool Draw(int b, Span<T> probes)
        {
            var wait = new SpinWait();
            while (Volatile.Read(ref _turn) != b)
            {
                if (Volatile.Read(ref _failed)) return false; // the pool rethrows that block's exception
                wait.SpinOnce();
            }
            (int Start, int Length) pairs = (0, 0);
            if (typeof(T) == typeof(double)) pairs = _rng.DrawGaussianPairs(MemoryMarshal.Cast<T, double>(probes));
            else DiagMath.FillGaussian(probes, _rng);
            Volatile.Write(ref _turn, b + 1);
            if (pairs.Length > 0) Rng.FinishGaussianPairs(MemoryMarshal.Cast<T, double>(probes).Slice(pairs.Start, pairs.Length));
            return true;
        }
    }

    /// <summary>Σ (a − b)², each difference taken in double (float inputs are widened first), in vector lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
