using System.Numerics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>Which blocks the Taylor experiment replaces first.</summary>
public enum TaylorSide { NearestInput, NearestOutput }

/// <summary>What is expanded to first order in the replaced blocks' residual functions.</summary>
public enum TaylorExpansion
{
    /// <summary>
    /// Only the replaced section (SPEC §2.6 as first written): its output is value + tangent and the blocks above run
    /// unchanged. Replacing one block is exact (i_b(v) + r_b(v) = block_b(θ, v)), so m = 1 equals m = 0 by construction.
    /// </summary>
    Section,
    /// <summary>
    /// The whole network's logits: the blocks above the replaced section are linearised too, logits ≈ z(value) +
    /// J_z(value)·tangent, so m = 1 asks whether the rest of the trained network responds linearly to the first block's
    /// learned change. From the output side nothing but the (linear) output layer lies above the section, so there
    /// both expansions coincide and m = 1 stays exact.
    /// </summary>
    Network,
}

public sealed record TaylorOptions
{
    public TaylorSide Side { get; init; } = TaylorSide.NearestInput;
    /// <summary>Section (SPEC §2.6 as first written, the default) or the first-order expansion of the whole network.</summary>
    public TaylorExpansion Expansion { get; init; } = TaylorExpansion.Section;
    /// <summary>The numbers m of replaced blocks to evaluate; null means 1 … L.</summary>
    public IReadOnlyList<int>? Counts { get; init; }
    /// <summary>Examples per evaluation batch (evaluation mode: results do not depend on it).</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Observed before every replaced block's expansion, so a cancel stops the experiment within a few block passes.</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>
    /// Batch norm in the θ⁰ calls uses the trained running statistics of θ (default, project choice): the initial
    /// function is then the same normalisation with the initial weights, gains and shifts. False uses θ⁰'s own
    /// running statistics (mean 0, variance 1 at initialisation).
    /// </summary>
    public bool InitialUsesTrainedRunningStatistics { get; init; } = true;
}

/// <param name="Replaced">m, the number of replaced blocks.</param>
/// <param name="Error">Fraction of misclassified examples of the modified network.</param>
/// <param name="Loss">Mean cross-entropy of the modified network.</param>
public sealed record TaylorPoint(int Replaced, double Error, double Loss);

/// <param name="BaselineError">Error of the unmodified network in evaluation mode.</param>
public sealed record TaylorResult(TaylorSide Side, int Examples, double BaselineError, double BaselineLoss,
    IReadOnlyList<TaylorPoint> Points);

/// <summary>
/// Compositional-depth reduction (SPEC §2.6). A set R of m consecutive blocks is replaced by its first-order
/// expansion in the residual functions around the initial functions: the composition of the initial functions
/// plus, for each replaced block, its residual function propagated linearly (by the Jacobians of the initial
/// functions) through the replaced blocks above it. Implemented as a forward pass of the pair
/// (value along the initial functions, first-order tangent): value' = i_b(value),
/// tangent' = J_{i_b}(value)·tangent + r_b(value), with r_b(v) = block_b(θ, v) − block_b(θ⁰, v) and J_{i_b} applied by
/// exact forward mode (<see cref="ForwardModeJvp{T}"/>). The replaced section outputs value + tangent, and the rest of
/// the network runs unchanged with θ.
/// <para>Every call runs in <see cref="ForwardMode.Eval"/> (running statistics), so each block is a fixed function of
/// its own example. Replacing one block is exact (value + tangent = i_b(v) + r_b(v) = block_b(θ, v)).</para>
/// </summary>
public static class TaylorExperiment
{
    public static TaylorResult Run<T>(Network<T> network, ParameterSet<T> theta, ParameterSet<T> theta0,
        Matrix<T> inputs, ReadOnlySpan<int> labels, TaylorOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= new TaylorOptions();
        int blocks = network.BlockCount;
        var counts = (options.Counts ?? Enumerable.Range(1, blocks).ToList()).ToList();
        foreach (var m in counts)
            if (m < 0 || m > blocks) throw new ArgumentOutOfRangeException(nameof(options), $"m = {m} outside 0 … {blocks}.");
        var init = InitialParameters(theta, theta0, options);
        var errors = new long[counts.Count];
        var losses = new double[counts.Count];
        long baselineErrors = 0;
        double baselineLoss = 0;
        int n = inputs.Rows;
        var evaluator = new Evaluator<T>(network, theta, init, options.Cancellation);
        var batchInput = new Matrix<T>(0, 0);
        for (int start = 0; start < n; start += options.BatchSize)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            int size = Math.Min(options.BatchSize, n - start);
            batchInput.Resize(size, inputs.Cols);
            inputs.Span.Slice(start * inputs.Cols, size * inputs.Cols).CopyTo(batchInput.Span);
            var batchLabels = labels.Slice(start, size);
            var logits = evaluator.Logits(batchInput, [0], options.Side, options.Expansion);
            (long e0, double l0) = Score(logits[0], batchLabels);
            baselineErrors += e0; baselineLoss += l0;
            var modified = evaluator.Logits(batchInput, counts, options.Side, options.Expansion);
            for (int i = 0; i < counts.Count; i++)
            {
                (long e, double l) = Score(modified[i], batchLabels);
                errors[i] += e; losses[i] += l;
            }
        }
        var points = counts.Select((m, i) => new TaylorPoint(m, (double)errors[i] / n, losses[i] / n)).ToList();
        return new TaylorResult(options.Side, n, (double)baselineErrors / n, baselineLoss / n, points);
    }

    /// <summary>
    /// Logits of the modified network for every m of <paramref name="counts"/> (m = 0: the unmodified network), in evaluation
    /// mode.
    /// </summary>
    public static Matrix<T>[] Logits<T>(Network<T> network, ParameterSet<T> theta, ParameterSet<T> theta0, Matrix<T> inputs,
        IReadOnlyList<int> counts, TaylorSide side, bool initialUsesTrainedRunningStatistics = true,
        TaylorExpansion expansion = TaylorExpansion.Section)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var init = InitialParameters(theta, theta0,
            new TaylorOptions { InitialUsesTrainedRunningStatistics = initialUsesTrainedRunningStatistics });
        return new Evaluator<T>(network, theta, init, CancellationToken.None).Logits(inputs, counts, side, expansion);
    }

    /// <summary>θ⁰ with θ's non-trainable tensors (running statistics) when so configured.</summary>
    private static ParameterSet<T> InitialParameters<T>(ParameterSet<T> theta, ParameterSet<T> theta0, TaylorOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!options.InitialUsesTrainedRunningStatistics) return theta0;
        var init = theta0.Clone();
        for (int i = 0; i < init.Count; i++)
            if (!init.Layout.Entries[i].Trainable) theta[i].Span.CopyTo(init[i].Span);
        return init;
    }

    private static (long Errors, double Loss) Score<T>(Matrix<T> logits, ReadOnlySpan<int> labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long errors = SoftmaxCrossEntropy<T>.CountErrors(logits, labels);
        double loss = 0;
        for (int r = 0; r < logits.Rows; r++)
        {
            var z = logits.Row(r);
            double max = double.NegativeInfinity;
            foreach (var v in z) max = Math.Max(max, double.CreateTruncating(v));
            double sum = 0;
            foreach (var v in z) sum += Math.Exp(double.CreateTruncating(v) - max);
            loss += Math.Log(sum) + max - double.CreateTruncating(z[labels[r]]);
        }
        return (errors, loss);
    }

    private sealed class Evaluator<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Network<T> _network;
        private readonly ParameterSet<T> _theta, _init;
        private readonly BlockCache<T>[] _thetaCaches, _initCaches;
        private readonly ForwardModeJvp<T> _jvp = new();
        private readonly LayerCache<T> _outputCache;
        private readonly CancellationToken _cancel;

        public Evaluator(Network<T> network, ParameterSet<T> theta, ParameterSet<T> init, CancellationToken cancel)
        {
            _cancel = cancel;
            _network = network;
            _theta = theta;
            _init = init;
            _thetaCaches = network.Blocks.Select(b => b.CreateCache()).ToArray();
            _initCaches = network.Blocks.Select(b => b.CreateCache()).ToArray();
            _outputCache = network.Output.CreateCache();
        }

        private Matrix<T> Output(Matrix<T> h)
        {
            var logits = new Matrix<T>(0, 0);
            _network.Output.Forward(_theta, h, logits, _outputCache, ForwardMode.Eval);
            return logits;
        }

        /// <summary>Blocks [from, to) with θ.</summary>
        private Matrix<T> RunTheta(Matrix<T> h, int from, int to)
        {
            var current = h;
            for (int b = from; b < to; b++)
            {
                var y = new Matrix<T>(0, 0);
                _network.Blocks[b].Forward(_theta, current, y, _thetaCaches[b], ForwardMode.Eval);
                current = y;
            }
            return current;
        }

        /// <summary>One replaced block: (v, t) ↦ (i_b(v), J_{i_b}(v)·t + r_b(v)); a null tangent stands for 0.</summary>
        private (Matrix<T> Value, Matrix<T> Tangent) Expand(int b, Matrix<T> value, Matrix<T>? tangent)
        {
            // The output side costs O(L²) expansions per batch: checking here keeps a cancel within a few block passes.
            _cancel.ThrowIfCancellationRequested();
            var block = _network.Blocks[b];
            var withInit = new Matrix<T>(0, 0);
            var withTheta = new Matrix<T>(0, 0);
            block.Forward(_init, value, withInit, _initCaches[b], ForwardMode.Eval);
            block.Forward(_theta, value, withTheta, _thetaCaches[b], ForwardMode.Eval);
            var newTangent = new Matrix<T>(withInit.Rows, withInit.Cols);
            if (tangent is not null) _jvp.Block(block, _init, value, withInit, _initCaches[b], tangent, newTangent);
            else newTangent.Clear();
            var t = newTangent.Span; var full = withTheta.Span; var i0 = withInit.Span;
            for (int i = 0; i < t.Length; i++) t[i] += full[i] - i0[i];
            return (withInit, newTangent);
        }

        private static Matrix<T> Sum(Matrix<T> value, Matrix<T> tangent)
        {
            var s = value.Clone();
            var d = s.Span; var t = tangent.Span;
            for (int i = 0; i < d.Length; i++) d[i] += t[i];
            return s;
        }

        /// <summary>Blocks [from, L) with θ and the output layer, and the tangent carried by their exact forward-mode product.</summary>
        private Matrix<T> LinearisedRest(Matrix<T> h, Matrix<T> tangent, int from)
        {
            var current = h;
            var t = tangent;
            for (int b = from; b < _network.BlockCount; b++)
            {
                var y = new Matrix<T>(0, 0);
                _network.Blocks[b].Forward(_theta, current, y, _thetaCaches[b], ForwardMode.Eval);
                var next = new Matrix<T>(0, 0);
                _jvp.Block(_network.Blocks[b], _theta, current, y, _thetaCaches[b], t, next);
                current = y; t = next;
            }
            var logits = Output(current);
            var dz = new Matrix<T>(0, 0);
            ForwardModeJvp<T>.Layer(_network.Output, _theta, current, logits, _outputCache, t, dz);
            return Sum(logits, dz);
        }

        public Matrix<T>[] Logits(Matrix<T> inputs, IReadOnlyList<int> counts, TaylorSide side,
            TaylorExpansion expansion = TaylorExpansion.Section)
        {
            int blocks = _network.BlockCount;
            var result = new Matrix<T>[counts.Count];
            if (side == TaylorSide.NearestInput)
            {
                // Pair after replacing blocks 0 … m−1, built incrementally in m.
                var byCount = new Dictionary<int, Matrix<T>>();
                Matrix<T> value = inputs;
                Matrix<T>? tangent = null;
                int maxM = counts.Count == 0 ? 0 : counts.Max();
                for (int m = 0; m <= maxM; m++)
                {
                    if (m > 0) (value, tangent) = Expand(m - 1, value, tangent);
                    if (!counts.Contains(m)) continue;
                    if (tangent is not null && expansion == TaylorExpansion.Network)
                    {
                        byCount[m] = LinearisedRest(value, tangent, m);
                        continue;
                    }
                    var h = tangent is null ? value : Sum(value, tangent);
                    byCount[m] = Output(RunTheta(h, m, blocks));
                }
                for (int i = 0; i < counts.Count; i++) result[i] = byCount[counts[i]];
                return result;
            }
            // Nearest the output: the prefix 0 … L−m−1 runs with θ; keep every prefix activation.
            var prefix = new Matrix<T>[blocks + 1];
            prefix[0] = inputs;
            for (int b = 0; b < blocks; b++) prefix[b + 1] = RunTheta(prefix[b], b, b + 1);
            for (int i = 0; i < counts.Count; i++)
            {
                int m = counts[i];
                Matrix<T> value = prefix[blocks - m];
                Matrix<T>? tangent = null;
                for (int b = blocks - m; b < blocks; b++) (value, tangent) = Expand(b, value, tangent);
                result[i] = Output(tangent is null ? value : Sum(value, tangent));
            }
            return result;
        }
    }
}
