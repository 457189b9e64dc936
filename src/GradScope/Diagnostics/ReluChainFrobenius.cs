using System.Numerics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>
/// The exact ‖∂f_l/∂f_k‖_F² of <see cref="JacobianTools{T}.Exact"/> (no batch coupling: d_l unit cotangents) for the
/// positions l … kMax that a chain of linear → ReLU blocks joins, computed one example at a time so that the ReLU mask
/// can be used: for example e the unit cotangents form C = I (d_l × d_l), and each block maps C to (C ⊙ m_e)·W, where
/// only the columns of the active units of m_e matter. Multiplying the active columns of C by the matching rows of W
/// skips the inactive half of every product (a ReLU layer keeps about half of its units). The sweeps of all l
/// of one example share each block's mask, so they are stacked into one product per block; the examples run in
/// parallel as single-thread products. The arithmetic is the same product in the same precision T; only the
/// order of the sums differs from the stacked sweep (the tests hold the two to 1e-12 in double, 1e-5 in float).
/// <para>
/// Like <see cref="JacobianTools{T}.Sweep"/>, a cotangent whose magnitude drifts far from 1 is rescaled and the scale
/// kept as a logarithm, so that deep exploding or vanishing chains neither overflow nor underflow.
/// </para>
/// </summary>
public static class ReluChainFrobenius
{
    /// <summary>True when every block between positions <paramref name="l"/> ≥ 1 and <paramref name="kMax"/> is linear → ReLU
    /// and the network does not couple examples.</summary>
    public static bool Applies<T>(JacobianTools<T> tools, int l, int kMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = tools.Network;
        if (network.CouplesExamples || l < 1 || kMax > network.BlockCount || l >= kMax) return false;
        for (int p = l; p < kMax; p++)
            if (!IsLinearRelu(network.Blocks[network.BlockIndexOfPosition(p)])) return false;
        return true;
    }

    private static bool IsLinearRelu<T>(Block<T> block) where T : unmanaged, IFloatingPointIeee754<T> =>
        block is PlainBlock<T> { Layers.Count: 2 } && block.Layers[0] is Linear<T> && block.Layers[1] is Activation<T, ReluOperator<T>>;

    /// <summary>
    /// ‖∂f_l/∂f_k‖_F² for every l in [<paramref name="firstL"/>, <paramref name="kMax"/>) and k = l … kMax: entry [l][k]
    /// (null for l &lt; firstL), as <see cref="JacobianTools{T}.Exact"/> returns them for one l. <see cref="Applies"/> must
    /// hold for firstL. The cancellation token of the tools is observed before every block of every example (one example of a
    /// deep network is many GFLOP).
    /// </summary>
    public static FrobeniusEstimate[]?[] Compute<T>(JacobianTools<T> tools, int firstL, int kMax)
        where T : unmanaged, IFloatingPointIeee754<T> => Compute(tools, firstL, kMax, MaxStackedElements);

    /// <summary>Bound on the elements of one stacked cotangent buffer (4 Mi: 32 MB in double); wider networks sweep the
    /// positions l in groups that fit.</summary>
    internal const int MaxStackedElements = 1 << 22;

    /// <summary><see cref="Compute{T}(JacobianTools{T}, int, int)"/> with stacked buffers of at most
    /// <paramref name="maxStackedElements"/> elements (tests use small ones to exercise the groups).</summary>
    internal static FrobeniusEstimate[]?[] Compute<T>(JacobianTools<T> tools, int firstL, int kMax, int maxStackedElements)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Applies(tools, firstL, kMax))
            throw new ArgumentException($"Positions {firstL} … {kMax} are not a chain of linear → ReLU blocks without batch coupling.");
        var context = new Context<T>(tools, firstL, kMax, maxStackedElements);
        WorkerPool.Shared.For(tools.BatchSize, new ExampleWork<T>(context));
        // Combine the examples in a fixed order (the result does not depend on which thread ran which example).
        var result = new FrobeniusEstimate[]?[kMax + 1];
        for (int l = firstL; l < kMax; l++)
        {
            var estimates = new FrobeniusEstimate[kMax + 1];
            for (int k = l; k <= kMax; k++)
            {
                double acc = double.NegativeInfinity;
                for (int e = 0; e < tools.BatchSize; e++) acc = DiagMath.LogAddExp(acc, context.Logs[context.Index(e, l, k)]);
                estimates[k] = new FrobeniusEstimate(acc, 0, tools.Network.PositionWidth(l), true);
            }
            result[l] = estimates;
        }
        return result;
    }

    /// <summary>What every example's sweep reads, and where it writes log ‖row block of J‖_F² per (example, l, k).</summary>
    private sealed class Context<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Context(JacobianTools<T> tools, int firstL, int kMax, int maxStackedElements)
        {
            Tools = tools;
            FirstL = firstL;
            KMax = kMax;
            Logs = new double[tools.BatchSize * (kMax + 1) * (kMax + 1)];
            Array.Fill(Logs, double.NegativeInfinity);
            int widest = 0;
            for (int p = firstL; p <= kMax; p++) widest = Math.Max(widest, tools.Network.PositionWidth(p));
            // Groups of consecutive l whose stacked rows fit the budget (at least one l each).
            int rows = 0, groupRows = 0, begin = firstL;
            var groups = new List<(int Begin, int End)>();
            for (int l = firstL; l < kMax; l++)
            {
                int width = tools.Network.PositionWidth(l);
                if (groupRows > 0 && (long)(groupRows + width) * widest > maxStackedElements)
                {
                    groups.Add((begin, l));
                    begin = l;
                    groupRows = 0;
                }
                groupRows += width;
                rows = Math.Max(rows, groupRows);
            }
            groups.Add((begin, kMax));
            Groups = groups;
            Scratch = new Scratch<T>[WorkerPool.Shared.Concurrency];
            for (int i = 0; i < Scratch.Length; i++) Scratch[i] = new Scratch<T>(rows, widest, kMax + 1);
        }

        public JacobianTools<T> Tools { get; }
        public int FirstL { get; }
        public int KMax { get; }
        /// <summary>The l of one stacked sweep: [Begin, End).</summary>
        public IReadOnlyList<(int Begin, int End)> Groups { get; }
        public double[] Logs { get; }
        public Scratch<T>[] Scratch { get; }

        public int Index(int example, int l, int k) => (example * (KMax + 1) + l) * (KMax + 1) + k;
    }

    /// <summary>Buffers of one running example (claimed by a flag, so that no example allocates): up to
    /// <paramref name="rows"/> stacked cotangent rows of at most <paramref name="widest"/> columns.</summary>
    private sealed class Scratch<T>(int rows, int widest, int positions) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public int Busy;
        public readonly T[] Current = new T[rows * widest];
        public readonly T[] Next = new T[rows * widest];
        public readonly T[] Rows = new T[widest * widest];
        /// <summary>Column order of the carried cotangents (active units first), now and after the next block.</summary>
        public readonly int[] Order = new int[widest];
        public readonly int[] NextOrder = new int[widest];
        /// <summary>First stacked row of the sweep from l, and its scale (log), by l.</summary>
        public readonly int[] Start = new int[positions];
        public readonly double[] LogScale = new double[positions];
    }

    private readonly struct ExampleWork<T>(Context<T> context) : IWorkItem where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int example)
        {
            context.Tools.Options.Cancellation.ThrowIfCancellationRequested();
            var scratch = Claim(context.Scratch);
            try
            {
                // Each example is a chain of products: keep them on this thread (the examples are the parallelism).
                using var single = KernelSettings.Use(KernelSettings.Current with { GemmSingleThreaded = true });
                foreach (var (begin, end) in context.Groups) Sweep(example, begin, end, scratch);
            }
            finally
            {
                Volatile.Write(ref scratch.Busy, 0);
            }
        }

        private static Scratch<T> Claim(Scratch<T>[] slots)
        {
            while (true)
                foreach (var slot in slots)
                    if (Interlocked.CompareExchange(ref slot.Busy, 1, 0) == 0) return slot;
        }

        /// <summary>
        /// Example e's rows of the unit cotangents of the positions l in [begin, end), carried to kMax. The sweeps of all l
        /// that have started by block p share its mask and weights, so they are stacked (the sweep from l joins at position l with
        /// its identity) and each block costs one product of up to Σ_l d_l rows. The columns of the carried cotangents
        /// are kept in the order "active units of the next block first", so that the next product reads its operand in
        /// place (the first a columns, row stride d) instead of gathering it: the weights are gathered instead, a × d_in
        /// per block, with their columns in the order the block after needs. Row and column orders do not change norms.
        /// </summary>
        private void Sweep(int example, int begin, int end, Scratch<T> scratch)
        {
            var tools = context.Tools;
            var network = tools.Network;
            double limit = typeof(T) == typeof(float) ? 1e30 : 1e200;
            var current = scratch.Current;
            var next = scratch.Next;
            var order = scratch.Order;
            var nextOrder = scratch.NextOrder;
            var logScale = scratch.LogScale;
            int rows = 0, cols = network.PositionWidth(begin);
            int active = ActiveFirst(example, begin, order);
            for (int p = begin; p < context.KMax; p++)
            {
                tools.Options.Cancellation.ThrowIfCancellationRequested();
                if (p < end)
                {
                    // The sweep from l = p joins: an identity (in the current column order) below the rows already carried.
                    int width = network.PositionWidth(p);
                    scratch.Start[p] = rows;
                    logScale[p] = 0;
                    current.AsSpan(rows * width, width * width).Clear();
                    for (int u = 0; u < width; u++) current[(rows + u) * width + u] = T.One;
                    rows += width;
                    context.Logs[context.Index(example, p, p)] = Math.Log(width);
                }

                var linear = (Linear<T>)network.Blocks[network.BlockIndexOfPosition(p)].Layers[0];
                var w = tools.Theta[linear.WeightIndex].Span;
                int inputs = linear.InputDim;
                int nextActive = p + 1 < context.KMax ? ActiveFirst(example, p + 1, nextOrder) : Identity(nextOrder, inputs);
                // ReLU's derivative is 1 on the active units (positive output) and 0 elsewhere: only their rows of W count.
                var weights = scratch.Rows.AsSpan(0, active * inputs);
                for (int a = 0; a < active; a++)
                {
                    var source = w.Slice(order[a] * inputs, inputs);
                    var target = weights.Slice(a * inputs, inputs);
                    for (int c = 0; c < inputs; c++) target[c] = source[nextOrder[c]];
                }
                var product = next.AsSpan(0, rows * inputs);
                if (active == 0) product.Clear();
                else Gemm.Multiply(Op.None, Op.None, rows, inputs, active, T.One, current, cols, weights, inputs, T.Zero, product, inputs);
                (current, next) = (next, current);
                (order, nextOrder) = (nextOrder, order);
                active = nextActive;
                cols = inputs;
                for (int l = begin; l <= Math.Min(p, end - 1); l++)
                {
                    int segmentRows = network.PositionWidth(l);
                    var segment = product.Slice(scratch.Start[l] * inputs, segmentRows * inputs);
                    double squares = DiagMath.SumSquares<T>(segment);
                    context.Logs[context.Index(example, l, p + 1)] =
                        squares > 0 ? Math.Log(squares) + 2 * logScale[l] : double.NegativeInfinity;
                    if (squares > 0 && double.IsFinite(squares) && (squares > limit || squares < 1 / limit))
                    {
                        T factor = T.CreateTruncating(Math.Sqrt(segmentRows / squares));
                        foreach (ref var v in segment) v *= factor;
                        logScale[l] -= Math.Log(double.CreateTruncating(factor));
                    }
                }
            }
        }

        /// <summary>The units of the block whose output is position q, active ones (positive ReLU output) first; returns
        /// how many are active.</summary>
        private int ActiveFirst(int example, int position, int[] order)
        {
            var network = context.Tools.Network;
            int b = network.BlockIndexOfPosition(position);
            var output = context.Tools.Tape.Activations[b + 1].Row(example);
            int active = 0, inactive = output.Length;
            for (int j = 0; j < output.Length; j++)
                if (output[j] > T.Zero) order[active++] = j;
                else order[--inactive] = j;
            return active;
        }

        private static int Identity(int[] order, int count)
        {
            for (int j = 0; j < count; j++) order[j] = j;
            return count;
        }
    }
}
