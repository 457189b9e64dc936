using System.Numerics;
using System.Runtime.CompilerServices;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// Batch normalisation per unit over the batch: y = γ·(x − μ_B)/√(σ²_B + ε) + β with the biased batch
/// variance (training and analysis), or with running statistics (evaluation). Running statistics
/// follow PyTorch: momentum 0.1, running variance from the unbiased batch variance.
///
/// Backward in batch-statistics mode, per cotangent group of B rows (x̂ normalised input, s = 1/√(σ²+ε)):
///   dx̂ = γ ⊙ dy;  dx = s/B · (B·dx̂ − Σ_b dx̂ − x̂ ⊙ Σ_b dx̂ ⊙ x̂);  dγ += Σ_b dy ⊙ x̂;  dβ += Σ_b dy.
/// In evaluation mode the map is affine per unit: dx = γ·s_running ⊙ dy.
/// </summary>
public sealed partial class BatchNorm<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Epsilon = 1e-5;
    public const double Momentum = 0.1;

    /// <param name="epsilon">ε; imported networks may use another value than the zoo's <see cref="Epsilon"/>.</param>
    public BatchNorm(string name, int dim, ParameterLayout layout, double epsilon = Epsilon) : base(name, dim, dim)
    {
        Eps = epsilon;
        GainIndex = layout.Add(name + ".weight", 1, dim);
        BiasIndex = layout.Add(name + ".bias", 1, dim);
        RunningMeanIndex = layout.Add(name + ".running_mean", 1, dim, trainable: false);
        RunningVarIndex = layout.Add(name + ".running_var", 1, dim, trainable: false);
    }

    /// <summary>The ε of this layer.</summary>
    public double Eps { get; }
    public int GainIndex { get; }
    public int BiasIndex { get; }
    public int RunningMeanIndex { get; }
    public int RunningVarIndex { get; }

    public override bool CouplesExamples => true;

    public sealed class Cache : LayerCache<T>
    {
        private readonly Matrix<T> _normalized = new(0, 0);
        private Matrix<T>? _normalizedInInput;

        /// <summary>Normalised input x̂, B × d: the cache's own matrix, or after a row-sliced training pass the layer's input
        /// matrix itself (see <see cref="KeepNormalizedIn"/>).</summary>
        public Matrix<T> Normalized => _normalizedInInput ?? _normalized;
        /// <summary>1/√(σ² + ε) per unit, 1 × d.</summary>
        public Matrix<T> InverseStd { get; } = new(0, 0);

        /// <summary>Keeps x̂ in the input matrix <paramref name="x"/> from now on, or in the cache's own matrix when null.</summary>
        internal void KeepNormalizedIn(Matrix<T>? x) => _normalizedInInput = x;
    }

    public override LayerCache<T> CreateCache() => new Cache();

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> layerCache, ForwardMode mode)
    {
        var cache = (Cache)layerCache;
        cache.Mode = mode;
        cache.KeepNormalizedIn(null);
        int batch = x.Rows, dim = x.Cols;
        y.Resize(batch, dim);
        var gamma = theta[GainIndex].Span;
        var beta = theta[BiasIndex].Span;
        var invStd = cache.InverseStd.Resize(1, dim).Span;
        var xhat = cache.Normalized.Resize(batch, dim);
        T eps = T.CreateChecked(Eps);

        if (mode == ForwardMode.Eval)
        {
            var runMean = theta[RunningMeanIndex].Span;
            var runVar = theta[RunningVarIndex].Span;
            for (int j = 0; j < dim; j++) invStd[j] = T.One / T.Sqrt(runVar[j] + eps);
            NormalizeRows(x, xhat, y, runMean, invStd, gamma, beta);
            return;
        }

        // Batch statistics, accumulated in double whatever T is: a mean of thousands of floats drifts.
        Span<double> mean = dim <= 1024 ? stackalloc double[dim] : new double[dim];
        Span<double> variance = dim <= 1024 ? stackalloc double[dim] : new double[dim];
        mean.Clear(); variance.Clear();
        ElementWise.AccumulateWidened<T>(x.Span, mean);
        for (int j = 0; j < dim; j++) mean[j] /= batch;
        ElementWise.AccumulateSquaredDeviation<T>(x.Span, mean, variance);
        Span<T> meanT = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        for (int j = 0; j < dim; j++)
        {
            variance[j] /= batch;
            invStd[j] = T.CreateTruncating(1.0 / Math.Sqrt(variance[j] + Eps));
            meanT[j] = T.CreateTruncating(mean[j]);
        }
        NormalizeRows(x, xhat, y, meanT, invStd, gamma, beta);

        if (mode == ForwardMode.Train)
        {
            var runMean = theta[RunningMeanIndex].Span;
            var runVar = theta[RunningVarIndex].Span;
            double unbiased = batch > 1 ? (double)batch / (batch - 1) : 1.0;
            for (int j = 0; j < dim; j++)
            {
                runMean[j] = T.CreateTruncating((1 - Momentum) * double.CreateTruncating(runMean[j]) + Momentum * mean[j]);
                runVar[j] = T.CreateTruncating((1 - Momentum) * double.CreateTruncating(runVar[j]) + Momentum * variance[j] * unbiased);
            }
        }
    }

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> layerCache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
    {
        var cache = (Cache)layerCache;
        int cotangents = CotangentCount(dy, x);
        RequireSingleCotangent(cotangents, grads);
        int batch = x.Rows, dim = x.Cols;
        var gamma = theta[GainIndex].Span;
        var invStd = cache.InverseStd.Span;
        var xhat = cache.Normalized;

        if (grads is not null)
        {
            var dGamma = grads[GainIndex].Span;
            var dBeta = grads[BiasIndex].Span;
            for (int r = 0; r < batch; r++)
                ElementWise.Map<T, MultiplyAddOperator<T>>(dy.Row(r), xhat.Row(r), dGamma, dGamma, default);
            ElementWise.AddColumnSums<T>(dy.Span[..(batch * dim)], batch, dim, dBeta);
        }
        if (dx is null) return;
        dx.Resize(dy.Rows, dim);

        if (cache.Mode == ForwardMode.Eval)
        {
            for (int r = 0; r < dy.Rows; r++)
                ElementWise.Map<T, MultiplyOperator3<T>>(dy.Row(r), gamma, invStd, dx.Row(r), default);
            return;
        }

        Span<T> sumG = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        Span<T> sumGH = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        Span<T> scale = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        for (int j = 0; j < dim; j++) scale[j] = gamma[j] * invStd[j];
        T invBatch = T.One / T.CreateChecked(batch);
        for (int c = 0; c < cotangents; c++)
        {
            int offset = c * batch;
            sumG.Clear(); sumGH.Clear();
            ElementWise.AddColumnSums<T>(dy.Span.Slice(offset * dim, batch * dim), batch, dim, sumG);
            for (int r = 0; r < batch; r++)
                ElementWise.Map<T, MultiplyAddOperator<T>>(dy.Row(offset + r), xhat.Row(r), sumGH, sumGH, default);
            var op = new BatchNormInputGradient<T>(invBatch);
            for (int r = 0; r < batch; r++)
            {
                // dx = (γ·s) ⊙ (dy − (Σdy + x̂ ⊙ Σdy⊙x̂)/B): first t = Σdy + x̂ ⊙ Σdy⊙x̂, then the rest.
                var dr = dx.Row(offset + r);
                ElementWise.Map<T, MultiplyAddOperator<T>>(xhat.Row(r), sumGH, sumG, dr, default);
                ElementWise.Map<T, BatchNormInputGradient<T>>(dy.Row(offset + r), dr, scale, dr, op);
            }
        }
    }

    /// <summary>
    /// The input gradient of this batch norm (batch statistics) followed by the element-wise <paramref name="activation"/>,
    /// for C stacked cotangents and no parameter gradients: per cotangent one pass for g = dy ⊙ f′ with Σg and Σg ⊙ x̂
    /// (<see cref="Layer{T}.BackwardWithColumnSums"/>) and one for dx. The same arithmetic as the activation's backward and
    /// then <see cref="Backward"/>, without their per-row calls and three extra passes over the cotangents.
    /// </summary>
    /// <param name="z">This layer's output = the activation's input, B × d.</param>
    /// <param name="y">The activation's output, B × d.</param>
    /// <param name="g">Receives dy ⊙ f′ (C·B × d scratch).</param>
    /// <param name="dx">Receives the input gradient; it may be <paramref name="g"/> itself, as in a block's backward (the second
    /// pass reads each element of g before it writes that element of dx).</param>
    /// <param name="addend">Added to dx as it is stored (a residual unit's skip cotangent, C·B × d), the rounding of a separate
    /// addition afterwards; null adds nothing.</param>
    internal void BackwardWithActivation(ParameterSet<T> theta, LayerCache<T> layerCache, Layer<T> activation, Matrix<T> z, Matrix<T> y,
        Matrix<T> dy, Matrix<T> g, Matrix<T> dx, Matrix<T>? addend = null)
    {
        var cache = (Cache)layerCache;
        if (cache.Mode == ForwardMode.Eval) throw new InvalidOperationException("The fused backward needs batch statistics.");
        int batch = z.Rows, dim = InputDim, cotangents = CotangentCount(dy, z);
        g.Resize(dy.Rows, dim);
        dx.Resize(dy.Rows, dim);
        var gamma = theta[GainIndex].Span;
        var invStd = cache.InverseStd.Span;
        var xhat = cache.Normalized.Span;
        Span<T> sumG = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        Span<T> sumGH = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        Span<T> scale = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        for (int j = 0; j < dim; j++) scale[j] = gamma[j] * invStd[j];
        T invBatch = T.One / T.CreateChecked(batch);
        int block = batch * dim;
        for (int c = 0; c < cotangents; c++)
        {
            sumG.Clear(); sumGH.Clear();
            var gc = g.Span.Slice(c * block, block);
            activation.BackwardWithColumnSums(z.Span, y.Span, dy.Span.Slice(c * block, block), gc, batch, xhat, sumG, sumGH);
            InputGradientRows(gc, xhat, sumG, sumGH, scale, invBatch, dx.Span.Slice(c * block, block), batch,
                addend is null ? default : addend.Span.Slice(c * block, block));
        }
    }

    // ---- Row-sliced training passes (RowParallel): each slice computes partial statistics over its rows, the caller
    // combines them in slice order between two pool calls (no barrier), and each slice then finishes its rows.

    /// <summary>Shapes x̂ and 1/σ for a row-sliced forward of <paramref name="batch"/> examples.</summary>
    internal override void PrepareRows(LayerCache<T> layerCache, int batch)
    {
        var cache = (Cache)layerCache;
        cache.KeepNormalizedIn(null);
        cache.Normalized.Resize(batch, InputDim);
        cache.InverseStd.Resize(1, InputDim);
    }

    /// <summary>Mean and Σ(x − mean)² (double, two passes) of the <paramref name="rows"/> rows of a slice; with a
    /// <paramref name="bias"/> (the preceding linear layer's, left out of its product) x += bias first, in the first pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void PartialStatistics(Span<T> x, int rows, Span<double> mean, Span<double> m2, ReadOnlySpan<T> bias = default)
    {
        int dim = InputDim;
        mean.Clear(); m2.Clear();
        if (bias.IsEmpty) ElementWise.AccumulateWidened<T>(x[..(rows * dim)], mean);
        else ElementWise.AddBiasAndAccumulateWidened<T>(x[..(rows * dim)], bias, mean);
        for (int j = 0; j < dim; j++) mean[j] /= rows;
        ElementWise.AccumulateSquaredDeviation<T>(x[..(rows * dim)], mean, m2);
    }

    /// <summary>Combines the slices' statistics in slice order (Chan et al.) into the cache's 1/σ and
    /// <paramref name="meanT"/>; updates the running statistics in training mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void CombineStatistics(ParameterSet<T> theta, Cache cache, int batch, ReadOnlySpan<int> counts,
        double[][] means, double[][] m2s, T[] meanT)
    {
        int dim = InputDim;
        var invStd = cache.InverseStd.Resize(1, dim).Span;
        bool train = cache.Mode == ForwardMode.Train;
        var runMean = theta[RunningMeanIndex].Span;
        var runVar = theta[RunningVarIndex].Span;
        double unbiased = batch > 1 ? (double)batch / (batch - 1) : 1.0;
        for (int j = 0; j < dim; j++)
        {
            double mean = 0;
            for (int s = 0; s < counts.Length; s++) mean += counts[s] * means[s][j];
            mean /= batch;
            double m2 = 0;
            for (int s = 0; s < counts.Length; s++)
            {
                double d = means[s][j] - mean;
                m2 += m2s[s][j] + counts[s] * d * d;
            }
            double variance = m2 / batch;
            invStd[j] = T.CreateTruncating(1.0 / Math.Sqrt(variance + Eps));
            meanT[j] = T.CreateTruncating(mean);
            if (train)
            {
                runMean[j] = T.CreateTruncating((1 - Momentum) * double.CreateTruncating(runMean[j]) + Momentum * mean);
                runVar[j] = T.CreateTruncating((1 - Momentum) * double.CreateTruncating(runVar[j]) + Momentum * variance * unbiased);
            }
        }
    }

    /// <summary>x̂ and y for rows [r0, r0 + rows) with the combined statistics.</summary>
    internal void NormalizeSlice(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, Cache cache, int r0, ReadOnlySpan<T> meanT)
    {
        int dim = InputDim;
        var gamma = theta[GainIndex].Span;
        var beta = theta[BiasIndex].Span;
        var invStd = cache.InverseStd.Span;
        NormalizeRows(x, cache.Normalized.RowBlock(r0, rows), y, rows, meanT, invStd, gamma, beta);
    }

    /// <summary>x̂ for rows [r0, r0 + rows) and, in the same pass, the output of the element-wise <paramref name="next"/> layer
    /// (and a residual unit's sum) instead of this layer's own output (<see cref="Layer{T}.ForwardRowsAfterNormalize"/>).</summary>
    internal void NormalizeSliceInto(Layer<T> next, ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, Cache cache, int r0,
        ReadOnlySpan<T> meanT, ReadOnlySpan<T> skip, T weight, Span<T> sum)
    {
        int dim = InputDim;
        var args = new NormalizeRowArgs<T>(meanT, cache.InverseStd.Span, theta[GainIndex].Span, theta[BiasIndex].Span);
        next.ForwardRowsAfterNormalize(x, cache.Normalized.RowBlock(r0, rows), y, rows, args, skip, weight, sum);
    }

    /// <summary>Σ dy and Σ dy ⊙ x̂ over the rows of a slice (= its dβ and dγ).</summary>
    internal void PartialCotangentSums(ReadOnlySpan<T> dy, int rows, Cache cache, int r0, Span<T> sumG, Span<T> sumGH)
    {
        int dim = InputDim;
        var xhat = cache.Normalized.RowBlock(r0, rows);
        sumG.Clear(); sumGH.Clear();
        ElementWise.AddColumnSums<T>(dy, rows, dim, sumG);
        for (int r = 0; r < rows; r++)
            ElementWise.Map<T, MultiplyAddOperator<T>>(dy.Slice(r * dim, dim), xhat.Slice(r * dim, dim), sumGH, sumGH, default);
    }

    /// <summary>dx for rows [r0, r0 + rows) from the batch sums Σdy, Σdy⊙x̂.</summary>
    internal void InputGradientSlice(ParameterSet<T> theta, ReadOnlySpan<T> dy, Span<T> dx, int rows, int batch, Cache cache, int r0,
        ReadOnlySpan<T> sumG, ReadOnlySpan<T> sumGH)
    {
        int dim = InputDim;
        var gamma = theta[GainIndex].Span;
        var invStd = cache.InverseStd.Span;
        var xhat = cache.Normalized.RowBlock(r0, rows);
        Span<T> scale = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        for (int j = 0; j < dim; j++) scale[j] = gamma[j] * invStd[j];
        InputGradientRows(dy, xhat, sumG, sumGH, scale, T.One / T.CreateChecked(batch), dx, rows);
    }

    /// <summary>The normalised input x̂ of rows [r0, r0 + rows) after a row-sliced forward (what the cotangent sums weight).</summary>
    internal ReadOnlySpan<T> NormalizedRows(Cache cache, int r0, int rows) =>
        cache.Normalized.RowBlock(r0, rows);

    internal override IEnumerable<int> RowGradientIndices => [GainIndex, BiasIndex];

    public override string Describe() => $"BatchNorm({InputDim})";
}
