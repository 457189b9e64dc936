using System.Numerics;
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
public sealed class BatchNorm<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Epsilon = 1e-5;
    public const double Momentum = 0.1;

    public BatchNorm(string name, int dim, ParameterLayout layout) : base(name, dim, dim)
    {
        GainIndex = layout.Add(name + ".weight", 1, dim);
        BiasIndex = layout.Add(name + ".bias", 1, dim);
        RunningMeanIndex = layout.Add(name + ".running_mean", 1, dim, trainable: false);
        RunningVarIndex = layout.Add(name + ".running_var", 1, dim, trainable: false);
    }

    public int GainIndex { get; }
    public int BiasIndex { get; }
    public int RunningMeanIndex { get; }
    public int RunningVarIndex { get; }

    public override bool CouplesExamples => true;

    public sealed class Cache : LayerCache<T>
    {
        /// <summary>Normalised input x̂, B × d.</summary>
        public Matrix<T> Normalized { get; } = new(0, 0);
        /// <summary>1/√(σ² + ε) per unit, 1 × d.</summary>
        public Matrix<T> InverseStd { get; } = new(0, 0);
    }

    public override LayerCache<T> CreateCache() => new Cache();

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> layerCache, ForwardMode mode)
    {
        var cache = (Cache)layerCache;
        cache.Mode = mode;
        int batch = x.Rows, dim = x.Cols;
        y.Resize(batch, dim);
        var gamma = theta[GainIndex].Span;
        var beta = theta[BiasIndex].Span;
        var invStd = cache.InverseStd.Resize(1, dim).Span;
        var xhat = cache.Normalized.Resize(batch, dim);
        T eps = T.CreateChecked(Epsilon);

        if (mode == ForwardMode.Eval)
        {
            var runMean = theta[RunningMeanIndex].Span;
            var runVar = theta[RunningVarIndex].Span;
            for (int j = 0; j < dim; j++) invStd[j] = T.One / T.Sqrt(runVar[j] + eps);
            for (int r = 0; r < batch; r++)
            {
                var xr = x.Row(r); var hr = xhat.Row(r); var yr = y.Row(r);
                for (int j = 0; j < dim; j++)
                {
                    hr[j] = (xr[j] - runMean[j]) * invStd[j];
                    yr[j] = gamma[j] * hr[j] + beta[j];
                }
            }
            return;
        }

        // Batch statistics, accumulated in double whatever T is: a mean of thousands of floats drifts.
        Span<double> mean = dim <= 1024 ? stackalloc double[dim] : new double[dim];
        Span<double> variance = dim <= 1024 ? stackalloc double[dim] : new double[dim];
        mean.Clear(); variance.Clear();
        for (int r = 0; r < batch; r++)
        {
            var xr = x.Row(r);
            for (int j = 0; j < dim; j++) mean[j] += double.CreateTruncating(xr[j]);
        }
        for (int j = 0; j < dim; j++) mean[j] /= batch;
        for (int r = 0; r < batch; r++)
        {
            var xr = x.Row(r);
            for (int j = 0; j < dim; j++)
            {
                double d = double.CreateTruncating(xr[j]) - mean[j];
                variance[j] += d * d;
            }
        }
        for (int j = 0; j < dim; j++)
        {
            variance[j] /= batch;
            invStd[j] = T.CreateTruncating(1.0 / Math.Sqrt(variance[j] + Epsilon));
        }
        for (int r = 0; r < batch; r++)
        {
            var xr = x.Row(r); var hr = xhat.Row(r); var yr = y.Row(r);
            for (int j = 0; j < dim; j++)
            {
                hr[j] = (xr[j] - T.CreateTruncating(mean[j])) * invStd[j];
                yr[j] = gamma[j] * hr[j] + beta[j];
            }
        }

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

        if (cache.Mode == ForwardMode.Eval)
        {
            for (int r = 0; r < dy.Rows; r++)
            {
                var gr = dy.Row(r); var dr = dx.Row(r);
                for (int j = 0; j < dim; j++) dr[j] = gr[j] * gamma[j] * invStd[j];
            }
            return;
        }

        Span<T> sumG = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        Span<T> sumGH = dim <= 1024 ? stackalloc T[dim] : new T[dim];
        T invBatch = T.One / T.CreateChecked(batch);
        for (int c = 0; c < cotangents; c++)
        {
            int offset = c * batch;
            sumG.Clear(); sumGH.Clear();
            for (int r = 0; r < batch; r++)
            {
                var gr = dy.Row(offset + r); var hr = xhat.Row(r);
                for (int j = 0; j < dim; j++)
                {
                    sumG[j] += gr[j];
                    sumGH[j] += gr[j] * hr[j];
                }
            }
            for (int r = 0; r < batch; r++)
            {
                var gr = dy.Row(offset + r); var hr = xhat.Row(r); var dr = dx.Row(offset + r);
                for (int j = 0; j < dim; j++)
                    dr[j] = gamma[j] * invStd[j] * (gr[j] - invBatch * (sumG[j] + hr[j] * sumGH[j]));
            }
        }
    }

    public override string Describe() => $"BatchNorm({InputDim})";
}
