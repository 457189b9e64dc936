using System.Numerics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>
/// Exact ‖∂f_0/∂f_k‖_F², k = 0 … kMax, with f_0 the per-example loss vector (B × 1): the sum over its B unit cotangents
/// e_c of ‖(∂f_0/∂f_k)ᵀ e_c‖² (SPEC §2.2; what the GSC(k, 0) profile of a batch-coupled network needs). Unit cotangent c
/// reaches position 1 as one non-zero row, row c of (P − Y)·W_out, and becomes dense in the first batch norm.
/// <para>
/// Speed: the B stacked cotangents (B² rows: 65,536 × 100 doubles, 52 MB per position at B = 256) are not streamed
/// through the whole network layer by layer; chunks of a few cotangents (≈ one core's L2) go through every block one
/// after the other on the worker pool, each thread with its own scratch, so every pass of a block backward (activation
/// mask, batch-norm sums and input gradient, the product with W) reads data that the previous pass left in cache, and
/// the element-wise passes run on both cores instead of one.
/// </para>
/// <para>
/// Bit-reproducible whatever the chunk size and the number of threads: every row of a chunk is computed by the same
/// arithmetic as alone (the batch-norm sums run per cotangent, the products per row), a cotangent is rescaled on its own
/// and only by powers of two (exact), and the per-cotangent sums of squares are combined in cotangent order at the end.
/// </para>
/// </summary>
internal static class LossCotangentSweep
{
    /// <summary>‖∂f_0/∂f_k‖_F² for k = 0 … <paramref name="kMax"/> (array indexed by k), exact.</summary>
    public static FrobeniusEstimate[] Compute<T>(JacobianTools<T> tools, int kMax, int chunkRows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = tools.Network;
        var tape = tools.Tape;
        int batch = tools.BatchSize;
        var ones = new Matrix<T>(batch, 1);
        ones.Span.Fill(T.One);
        var dLogits = new Matrix<T>(0, 0);
        network.Loss.Backward(tape.Probabilities, tape.Labels, ones, dLogits);
        var first = new Matrix<T>(0, 0);
        network.Output.Backward(tools.Theta, tape.Activations[^1], tape.Logits, tape.OutputCache, dLogits, first, null);

        int positions = kMax + 1;
        var logs = new double[batch * positions]; // [c · positions + p]: log of cotangent c's ‖·‖² at position p
        int chunk = Math.Clamp(chunkRows / batch, 1, batch);
        var sweep = new Sweep<T>(tools, first, logs, positions, chunk);
        var blocks = network.Blocks;
        for (int b = 0; b < blocks.Count; b++) blocks[b].PackBackwardWeights(tools.Theta, tape.BlockCaches[b]);
        try { WorkerPool.Shared.For((batch + chunk - 1) / chunk, new ChunkWork<T>(sweep)); }
        finally { for (int b = 0; b < blocks.Count; b++) blocks[b].ReleaseWeights(tape.BlockCaches[b]); }

        var result = new FrobeniusEstimate[positions];
        for (int p = 0; p < positions; p++) result[p] = new FrobeniusEstimate(SumInOrder(logs, p, positions, batch), 0, batch, true);
        return result;
    }

    /// <summary>log Σ_c exp(logs[c · stride + p]) with the terms added in cotangent order (−∞ when all are zero).</summary>
    private static double SumInOrder(double[] logs, int p, int stride, int count)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < count; c++) max = Math.Max(max, logs[c * stride + p]);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        for (int c = 0; c < count; c++) sum += Math.Exp(logs[c * stride + p] - max);
        return max + Math.Log(sum);
    }

    private readonly struct ChunkWork<T>(Sweep<T> sweep) : IWorkItem where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index) => sweep.Run(index);
    }

    /// <summary>The matrices one thread works in: the chunk's cotangents at two positions, the block scratch, and views of
    /// the tape's block caches that use this scratch.</summary>
    private sealed class Scratch<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Scratch(Tape<T> tape, int blocks)
        {
            Views = new BlockCache<T>[blocks];
            for (int b = 0; b < blocks; b++) Views[b] = new BlockCache<T>(tape.BlockCaches[b], _scratchA, _scratchB, _weighted);
        }

        private readonly Matrix<T> _scratchA = new(0, 0), _scratchB = new(0, 0), _weighted = new(0, 0);
        public Matrix<T> Current { get; set; } = new(0, 0);
        public Matrix<T> Next { get; set; } = new(0, 0);
        public BlockCache<T>[] Views { get; }
    }

    private sealed class Sweep<T>(JacobianTools<T> tools, Matrix<T> first, double[] logs, int positions, int chunk)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ScratchBag<Scratch<T>> _spare = new(() => new Scratch<T>(tools.Tape, tools.Network.BlockCount));
        private static readonly double Limit = typeof(T) == typeof(float) ? 1e30 : 1e200;

        /// <summary>Cotangents [index · chunk, …) from position 0 to the last position, their log ‖·‖² into <c>logs</c>.</summary>
        public void Run(int index)
        {
            var network = tools.Network;
            var tape = tools.Tape;
            int batch = tools.BatchSize, c0 = index * chunk, count = Math.Min(chunk, batch - c0);
            using var lease = _spare.Take();
            var scratch = lease.Scratch;
            Span<double> logScale = stackalloc double[count];
            logScale.Clear();
            for (int c = 0; c < count; c++) logs[(c0 + c) * positions] = 0; // a unit vector of the loss vector
            if (positions == 1) return;
            var current = scratch.Current.Resize(count * batch, first.Cols);
            current.Clear();
            for (int c = 0; c < count; c++) first.Row(c0 + c).CopyTo(current.Row(c * batch + c0 + c));
            var next = scratch.Next;
            for (int p = 1; ; p++)
            {
                Record(current, count, c0, p, logScale);
                if (p == positions - 1) break;
                tools.Options.Cancellation.ThrowIfCancellationRequested();
                int b = network.BlockIndexOfPosition(p);
                network.Blocks[b].Backward(tools.Theta, tape.Activations[b], tape.Activations[b + 1], scratch.Views[b], current, next,
                    null);
                (current, next) = (next, current);
            }
            (scratch.Current, scratch.Next) = (current, next);
        }

        /// <summary>Each cotangent's log ‖·‖² at position p; a cotangent whose magnitude drifts far from 1 is rescaled by a
        /// power of two (exact, and decided by that cotangent alone), the factor kept in <paramref name="logScale"/>.</summary>
        private void Record(Matrix<T> current, int count, int c0, int p, Span<double> logScale)
        {
            int segment = current.Length / count;
            for (int c = 0; c < count; c++)
            {
                var values = current.Span.Slice(c * segment, segment);
                double sum = DiagMath.SumSquares<T>(values);
                logs[(c0 + c) * positions + p] = sum > 0 ? Math.Log(sum) + 2 * logScale[c] : double.NegativeInfinity;
                if (!(sum > 0 && double.IsFinite(sum) && (sum > Limit || sum < 1 / Limit))) continue;
                int exponent = (int)Math.Round(0.5 * Math.Log2(sum));
                ElementWise.Map(values, values, new ScaleOperator<T>(T.CreateTruncating(Math.ScaleB(1.0, -exponent))));
                logScale[c] += exponent * Math.Log(2);
            }
        }
    }
}
