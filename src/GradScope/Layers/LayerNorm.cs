using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// Layer normalisation per example over its d units: y = γ·(x − μ)/√(σ² + ε) + β (biased variance).
/// Backward per row (x̂ normalised, s = 1/√(σ²+ε)):
///   dx̂ = γ ⊙ dy;  dx = s/d · (d·dx̂ − Σ_j dx̂ − x̂ ⊙ Σ_j dx̂ ⊙ x̂);  dγ += dy ⊙ x̂;  dβ += dy.
/// </summary>
public sealed partial class LayerNorm<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Epsilon = 1e-5;

    /// <param name="epsilon">ε; imported networks may use another value than the zoo's <see cref="Epsilon"/>.</param>
    public LayerNorm(string name, int dim, ParameterLayout layout, double epsilon = Epsilon) : base(name, dim, dim)
    {
        Eps = epsilon;
        GainIndex = layout.Add(name + ".weight", 1, dim);
        BiasIndex = layout.Add(name + ".bias", 1, dim);
    }

    /// <summary>The ε of this layer.</summary>
    public double Eps { get; }
    public int GainIndex { get; }
    public int BiasIndex { get; }

    public sealed class Cache : LayerCache<T>
    {
        /// <summary>Normalised input x̂, B × d.</summary>
        public Matrix<T> Normalized { get; } = new(0, 0);
        /// <summary>1/√(σ² + ε) per example, B × 1.</summary>
        public Matrix<T> InverseStd { get; } = new(0, 0);
    }

    public override LayerCache<T> CreateCache() => new Cache();

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> layerCache, ForwardMode mode)
    {
        var cache = (Cache)layerCache;
        int batch = x.Rows, dim = x.Cols;
        y.Resize(batch, dim);
        cache.Normalized.Resize(batch, dim);
        cache.InverseStd.Resize(batch, 1);
        ForwardRowsCore(theta, x.Span, y.Span, batch, cache, 0);
    }

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> layerCache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
    {
        var cache = (Cache)layerCache;
        int cotangents = CotangentCount(dy, x);
        RequireSingleCotangent(cotangents, grads);
        int batch = x.Rows, dim = x.Cols;
        if (grads is not null) AddParameterGradients(dy.Span, cache.Normalized.Span, batch, grads, overwrite: false);
        if (dx is null) return;
        dx.Resize(dy.Rows, dim);
        var gamma = theta[GainIndex].Span;
        var invStd = cache.InverseStd.Span;
        int block = batch * dim;
        for (int c = 0; c < cotangents; c++) // each stacked cotangent against the batch's x̂ and 1/σ
            InputGradientRows(gamma, dy.Span.Slice(c * block, block), cache.Normalized.Span, invStd, dx.Span.Slice(c * block, block),
                batch);
    }

    internal override bool RowLocal => true;

    internal override IEnumerable<int> RowGradientIndices => [GainIndex, BiasIndex];

    internal override void PrepareRows(LayerCache<T> layerCache, int batch)
    {
        var cache = (Cache)layerCache;
        cache.Normalized.Resize(batch, InputDim);
        cache.InverseStd.Resize(batch, 1);
    }

    internal override void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, LayerCache<T> cache, int r0) =>
        ForwardRowsCore(theta, x, y, rows, (Cache)cache, r0);

    /// <summary>The widest layer whose fused row forward keeps a group of outputs on the stack (8 rows, 32 KiB of floats).</summary>
    private const int MaxFusedWidth = 1024;

    /// <summary>Whether <see cref="ForwardRowsFused"/> can form the output of <paramref name="next"/>: an element-wise layer
    /// whose backward reads only its output (<see cref="Layer{T}.FusesAfterNormalize"/>), so this layer's output need not be
    /// kept.</summary>
    internal bool CanFuse(Layer<T> next) => next.FusesAfterNormalize && InputDim <= MaxFusedWidth;

    /// <summary>
    /// Rows [r0, r0 + rows) of linear → layer norm [→ <paramref name="next"/>] in one pass over groups of rows while they are
    /// in L1: adds the linear layer's <paramref name="bias"/> (left out of its product) to <paramref name="x"/> in place,
    /// normalises, and with <paramref name="next"/> (<see cref="CanFuse"/>, a training pass) writes next's output to
    /// <paramref name="y"/> from a stack copy of the group's normalised rows, so this layer's own output is never written.
    /// The same arithmetic as the separate passes.
    /// </summary>
    internal void ForwardRowsFused(ParameterSet<T> theta, Span<T> x, ReadOnlySpan<T> bias, Span<T> y, int rows, LayerCache<T> cache,
        int r0, Layer<T>? next)
    {
        if (next is not null && !CanFuse(next)) throw new ArgumentException($"{next.Describe()} cannot follow a fused layer norm.");
        ForwardRowsCore(theta, x, y, rows, (Cache)cache, r0, x, bias, next);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite, LayerCache<T> layerCache, int r0)
    {
        var cache = (Cache)layerCache;
        int dim = InputDim;
        var xhat = cache.Normalized.RowBlock(r0, rows);
        AddParameterGradients(dy, xhat, rows, grads, overwrite);
        if (dx.IsEmpty) return;
        var gamma = theta[GainIndex].Span;
        InputGradientRows(gamma, dy, xhat, cache.InverseStd.Span.Slice(r0, rows), dx, rows);
    }

    /// <summary>Normalises rows [r0, r0 + rows) of the batch (x, y are those rows) and records x̂ and 1/σ in the cache; with a
    /// <paramref name="bias"/>, first adds it to <paramref name="biased"/> (x itself); with <paramref name="next"/>, y receives
    /// next's output instead (see <see cref="ForwardRowsFused"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardRowsCore(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, Cache cache, int r0,
        Span<T> biased = default, ReadOnlySpan<T> bias = default, Layer<T>? next = null)
    {
        int dim = InputDim;
        var gamma = theta[GainIndex].Span;
        var beta = theta[BiasIndex].Span;
        var xhat = cache.Normalized.RowBlock(r0, rows);
        var invStd = cache.InverseStd.Span.Slice(r0, rows);
        VectorTier tier = ElementWise.TierFor<T>();
        Span<double> means = stackalloc double[RowReductions.RowGroup];
        Span<double> variances = stackalloc double[RowReductions.RowGroup];
        Span<T> groupY = next is null ? default : stackalloc T[RowReductions.RowGroup * dim];
        for (int g0 = 0; g0 < rows; g0 += RowReductions.RowGroup) // a group of rows at a time: their sums' chains overlap
        {
            int group = Math.Min(RowReductions.RowGroup, rows - g0);
            var xg = x.Slice(g0 * dim, group * dim);
            if (!bias.IsEmpty) AddBias(biased.Slice(g0 * dim, group * dim), bias, group, tier);
            RowReductions.SumsWidened(xg, dim, means[..group]);
            for (int i = 0; i < group; i++) means[i] /= dim;
            RowReductions.SumSquaredDeviationsWidened(xg, dim, means[..group], variances[..group]);
            for (int i = 0; i < group; i++)
            {
                int r = g0 + i;
                T s = T.CreateTruncating(1.0 / Math.Sqrt(variances[i] / dim + Eps));
                invStd[r] = s;
                var yr = next is null ? y.Slice(r * dim, dim) : groupY.Slice(i * dim, dim);
                NormalizeRow(x.Slice(r * dim, dim), xhat.Slice(r * dim, dim), yr, T.CreateTruncating(means[i]), s, gamma, beta, tier);
            }
            next?.ForwardRows(theta, groupY[..(group * dim)], y.Slice(g0 * dim, group * dim), group);
        }
    }

    public override string Describe() => $"LayerNorm({InputDim})";
}

/// <summary>s·(γ·dy − (Σdx̂ + x̂·Σdx̂⊙x̂)/d): layer norm's input gradient once the row sums are known.</summary>
internal readonly struct LayerNormInputGradient<T>(T s, T invDim, T sumG, T sumGH) : ITernaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T gamma, T dy, T h) => s * (gamma * dy - invDim * (sumG + h * sumGH));
    public Vector256<T> Invoke(Vector256<T> gamma, Vector256<T> dy, Vector256<T> h) =>
        Vector256.Create(s) * (gamma * dy - Vector256.Create(invDim) * (Vector256.Create(sumG) + h * Vector256.Create(sumGH)));
    public Vector512<T> Invoke(Vector512<T> gamma, Vector512<T> dy, Vector512<T> h) =>
        Vector512.Create(s) * (gamma * dy - Vector512.Create(invDim) * (Vector512.Create(sumG) + h * Vector512.Create(sumGH)));
}
