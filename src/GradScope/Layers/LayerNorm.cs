using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// Layer normalisation per example over its d units: y = γ·(x − μ)/√(σ² + ε) + β (biased variance).
/// Backward per row (x̂ normalised, s = 1/√(σ²+ε)):
///   dx̂ = γ ⊙ dy;  dx = s/d · (d·dx̂ − Σ_j dx̂ − x̂ ⊙ Σ_j dx̂ ⊙ x̂);  dγ += dy ⊙ x̂;  dβ += dy.
/// </summary>
public sealed class LayerNorm<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Epsilon = 1e-5;

    public LayerNorm(string name, int dim, ParameterLayout layout) : base(name, dim, dim)
    {
        GainIndex = layout.Add(name + ".weight", 1, dim);
        BiasIndex = layout.Add(name + ".bias", 1, dim);
    }

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
        var gamma = theta[GainIndex].Span;
        var beta = theta[BiasIndex].Span;
        var xhat = cache.Normalized.Resize(batch, dim);
        var invStd = cache.InverseStd.Resize(batch, 1).Span;
        for (int r = 0; r < batch; r++)
        {
            var xr = x.Row(r); var hr = xhat.Row(r); var yr = y.Row(r);
            double mean = 0;
            for (int j = 0; j < dim; j++) mean += double.CreateTruncating(xr[j]);
            mean /= dim;
            double variance = 0;
            for (int j = 0; j < dim; j++)
            {
                double d = double.CreateTruncating(xr[j]) - mean;
                variance += d * d;
            }
            variance /= dim;
            T s = T.CreateTruncating(1.0 / Math.Sqrt(variance + Epsilon));
            T mu = T.CreateTruncating(mean);
            invStd[r] = s;
            for (int j = 0; j < dim; j++)
            {
                hr[j] = (xr[j] - mu) * s;
                yr[j] = gamma[j] * hr[j] + beta[j];
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
            {
                var gr = dy.Row(r); var hr = xhat.Row(r);
                for (int j = 0; j < dim; j++)
                {
                    dGamma[j] += gr[j] * hr[j];
                    dBeta[j] += gr[j];
                }
            }
        }
        if (dx is null) return;
        dx.Resize(dy.Rows, dim);
        T invDim = T.One / T.CreateChecked(dim);
        for (int row = 0; row < dy.Rows; row++)
        {
            int example = row % batch;
            var gr = dy.Row(row); var hr = xhat.Row(example); var dr = dx.Row(row);
            T sumG = T.Zero, sumGH = T.Zero;
            for (int j = 0; j < dim; j++)
            {
                T g = gamma[j] * gr[j];
                sumG += g;
                sumGH += g * hr[j];
            }
            T s = invStd[example];
            for (int j = 0; j < dim; j++)
                dr[j] = s * (gamma[j] * gr[j] - invDim * (sumG + hr[j] * sumGH));
        }
    }

    public override string Describe() => $"LayerNorm({InputDim})";
}
