using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// y = x·Wᵀ + b with W of shape out × in (PyTorch convention).
/// Backward: dx = dy·W, dW += dyᵀ·x, db += Σ_rows dy.
/// </summary>
public sealed class Linear<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Linear(string name, int inputDim, int outputDim, ParameterLayout layout, bool withBias = true)
        : base(name, inputDim, outputDim)
    {
        WeightIndex = layout.Add(name + ".weight", outputDim, inputDim);
        BiasIndex = withBias ? layout.Add(name + ".bias", 1, outputDim) : -1;
    }

    public int WeightIndex { get; }
    /// <summary>−1 when the layer has no bias.</summary>
    public int BiasIndex { get; }

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache, ForwardMode mode)
    {
        var w = theta[WeightIndex];
        y.Resize(x.Rows, OutputDim);
        if (BiasIndex >= 0)
        {
            var b = theta[BiasIndex].Span;
            for (int r = 0; r < x.Rows; r++) b.CopyTo(y.Row(r));
            Gemm.Multiply(x, Op.None, w, Op.Transpose, y, T.One, T.One);
        }
        else
        {
            Gemm.Multiply(x, Op.None, w, Op.Transpose, y, T.One, T.Zero);
        }
    }

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
    {
        int cotangents = CotangentCount(dy, x);
        RequireSingleCotangent(cotangents, grads);
        if (dx is not null)
        {
            dx.Resize(dy.Rows, InputDim);
            // W packed once for many backward calls (a diagnostic's stacked cotangents, chunk by chunk): the same bits.
            InputGradient(theta, dy.Span, dx.Span, dy.Rows, cache as Cache);
        }
        if (grads is null) return;
        Gemm.Multiply(dy, Op.Transpose, x, Op.None, grads[WeightIndex], T.One, T.One);
        if (BiasIndex >= 0)
        {
            ElementWise.AddColumnSums<T>(dy.Span, dy.Rows, dy.Cols, grads[BiasIndex].Span);
        }
    }

    /// <summary>The weights packed for the products of a row-parallel pass (every slice multiplies by the same W).</summary>
    public sealed class Cache : LayerCache<T>
    {
        /// <summary>Wᵀ (in × out) as the right operand of the forward product x·Wᵀ.</summary>
        public PackedMatrix<T> ForwardWeights { get; } = new();
        /// <summary>W (out × in) as the right operand of the input gradient dy·W.</summary>
        public PackedMatrix<T> BackwardWeights { get; } = new();
    }

    public override LayerCache<T> CreateCache() => new Cache();

    /// <summary>Packs W for the row products of the coming pass (forward: x·Wᵀ, backward: dy·W), once for all slices.</summary>
    internal void PackWeights(ParameterSet<T> theta, LayerCache<T> cache, bool backward)
    {
        var packed = (Cache)cache;
        if (backward) Gemm.Pack(Op.None, OutputDim, InputDim, theta[WeightIndex].Span, InputDim, packed.BackwardWeights);
        else Gemm.Pack(Op.Transpose, InputDim, OutputDim, theta[WeightIndex].Span, InputDim, packed.ForwardWeights);
    }

    /// <summary>Marks the packed weights stale once the pass is over (the optimizer changes W next).</summary>
    internal static void ReleaseWeights(LayerCache<T> cache)
    {
        var packed = (Cache)cache;
        packed.ForwardWeights.Invalidate();
        packed.BackwardWeights.Invalidate();
    }

    internal override bool RowLocal => true;

    internal override bool BackwardReadsOutput => false;

    internal override IEnumerable<int> RowGradientIndices => BiasIndex >= 0 ? [WeightIndex, BiasIndex] : [WeightIndex];

    internal override void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows) =>
        ForwardRows(theta, x, y, rows, null);

    internal override void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, LayerCache<T> cache, int r0) =>
        ForwardRows(theta, x, y, rows, cache as Cache);

    private void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, Cache? cache)
    {
        if (BiasIndex >= 0)
        {
            var b = theta[BiasIndex].Span;
            for (int r = 0; r < rows; r++) b.CopyTo(y.Slice(r * OutputDim, OutputDim));
        }
        Product(theta, x, y, rows, BiasIndex >= 0 ? T.One : T.Zero, cache);
    }

    /// <summary>True when the bias may be added after the product with the bits of the bias-first product
    /// (<see cref="GemmDepth.OneBlock{T}"/>).</summary>
    internal bool BiasAddsAfterProductExactly => GemmDepth.OneBlock<T>(InputDim);

    /// <summary>z = x·Wᵀ without the bias (β = 0), for <see cref="Layer{T}.ForwardRowsWithBias"/> to add it; with the weights
    /// packed in <paramref name="cache"/> when the pass packed them.</summary>
    internal ReadOnlySpan<T> ForwardRowsWithoutBias(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> z, int rows,
        LayerCache<T>? cache = null)
    {
        Product(theta, x, z, rows, T.Zero, cache as Cache);
        return BiasIndex >= 0 ? theta[BiasIndex].Span : default;
    }

    /// <summary>y = x·Wᵀ + β·y for the rows of a slice.</summary>
    private void Product(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, T beta, Cache? cache)
    {
        if (cache is { ForwardWeights.IsPacked: true })
            Gemm.Multiply(Op.None, rows, OutputDim, InputDim, T.One, x, InputDim, cache.ForwardWeights, beta, y, OutputDim);
        else
            Gemm.Multiply(Op.None, Op.Transpose, rows, OutputDim, InputDim, T.One, x, InputDim, theta[WeightIndex].Span, InputDim, beta, y,
                OutputDim);
    }

    /// <summary>dx = dy·W for <paramref name="rows"/> rows; with the weights packed in <paramref name="cache"/> when a pass packed
    /// them (<see cref="Product"/>'s twin for the backward).</summary>
    private void InputGradient(ParameterSet<T> theta, ReadOnlySpan<T> dy, Span<T> dx, int rows, Cache? cache)
    {
        if (cache is { BackwardWeights.IsPacked: true })
            Gemm.Multiply(Op.None, rows, InputDim, OutputDim, T.One, dy, OutputDim, cache.BackwardWeights, T.Zero, dx, InputDim);
        else
            Gemm.Multiply(Op.None, Op.None, rows, InputDim, OutputDim, T.One, dy, OutputDim, theta[WeightIndex].Span, InputDim, T.Zero, dx,
                InputDim);
    }

    internal override void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite) =>
        BackwardRows(theta, x, dy, dx, rows, grads, overwrite, null);

    internal override void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite, LayerCache<T> cache, int r0) =>
        BackwardRows(theta, x, dy, dx, rows, grads, overwrite, cache as Cache);

    private void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite, Cache? cache)
    {
        if (!dx.IsEmpty) InputGradient(theta, dy, dx, rows, cache);
        Gemm.Multiply(Op.Transpose, Op.None, OutputDim, InputDim, rows, T.One, dy, OutputDim, x, InputDim,
            overwrite ? T.Zero : T.One, grads[WeightIndex].Span, InputDim);
        if (BiasIndex >= 0)
        {
            var db = grads[BiasIndex].Span;
            if (overwrite) db.Clear();
            ElementWise.AddColumnSums<T>(dy, rows, OutputDim, db);
        }
    }

    public override string Describe() => $"Linear({InputDim} → {OutputDim}{(BiasIndex >= 0 ? "" : ", no bias")})";
}
