using System.Numerics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>
/// Jacobian-vector products (forward mode) of layers and blocks at a cached forward pass, exact and
/// finite-difference free. Like the engine's VJPs they accept C stacked tangents (C·B rows, row r
/// belonging to example r mod B).
/// <list type="bullet">
/// <item>Linear: J t = t·Wᵀ (the bias does not enter).</item>
/// <item>Element-wise nonlinearities and batch norm (batch statistics or running statistics) have
/// symmetric Jacobians (diagonal, resp. per unit γ·s·(I − (11ᵀ + x̂x̂ᵀ)/B)), so J t = Jᵀ t is the layer's own backward.</item>
/// <item>Layer norm: J t = γ ⊙ s·(t − mean(t) − x̂·mean(x̂ ⊙ t)) per row (its Jacobian is not symmetric when γ varies).</item>
/// </list>
/// Layers of other kinds throw <see cref="NotSupportedException"/>.
/// </summary>
public sealed class ForwardModeJvp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Matrix<T> _a = new(0, 0), _b = new(0, 0), _c = new(0, 0);

    /// <summary>out = J_layer · t at the forward that produced (x, y, cache).</summary>
    public static void Layer(Layer<T> layer, ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache, Matrix<T> t,
        Matrix<T> output)
    {
        if (t.Rows % x.Rows != 0 || t.Cols != layer.InputDim)
            throw new ArgumentException(
                $"Tangent is {t.Rows}×{t.Cols}; expected a multiple of {x.Rows} rows and {layer.InputDim} columns.");
        switch (layer)
        {
            case Linear<T> linear:
                output.Resize(t.Rows, linear.OutputDim);
                Gemm.Multiply(t, Op.None, theta[linear.WeightIndex], Op.Transpose, output, T.One, T.Zero);
                return;
            case LayerNorm<T> norm:
                LayerNormJvp(norm, theta, x, (LayerNorm<T>.Cache)cache, t, output);
                return;
            case BatchNorm<T>:
                layer.Backward(theta, x, y, cache, t, output, null);
                return;
            default:
                if (layer.IsNonlinearity)
                {
                    layer.Backward(theta, x, y, cache, t, output, null);
                    return;
                }
                throw new NotSupportedException($"No forward-mode product for layer {layer.Describe()} ({layer.GetType().Name}).");
        }
    }

    private static void LayerNormJvp(LayerNorm<T> norm, ParameterSet<T> theta, Matrix<T> x, LayerNorm<T>.Cache cache, Matrix<T> t,
        Matrix<T> output)
    {
        int batch = x.Rows, dim = x.Cols;
        output.Resize(t.Rows, dim);
        var gamma = theta[norm.GainIndex].Span;
        var invStd = cache.InverseStd.Span;
        var xhat = cache.Normalized;
        T invDim = T.One / T.CreateChecked(dim);
        for (int row = 0; row < t.Rows; row++)
        {
            int example = row % batch;
            var tr = t.Row(row); var hr = xhat.Row(example); var or = output.Row(row);
            T sumT = T.Zero, sumHT = T.Zero;
            for (int j = 0; j < dim; j++) { sumT += tr[j]; sumHT += hr[j] * tr[j]; }
            T meanT = sumT * invDim, meanHT = sumHT * invDim, s = invStd[example];
            for (int j = 0; j < dim; j++) or[j] = gamma[j] * s * (tr[j] - meanT - hr[j] * meanHT);
        }
    }

    /// <summary>out = J_block · t at the forward (θ, x) → y whose activations are in <paramref name="cache"/>.</summary>
    public void Block(Block<T> block, ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, Matrix<T> t, Matrix<T> output)
    {
        if (block is ResidualUnit<T> unit)
        {
            Chain(block, theta, x, unit.BranchOutput(cache), cache, t, _c);
            output.Resize(t.Rows, t.Cols);
            T w = T.CreateChecked(unit.ResidualWeight);
            var src = t.Span; var br = _c.Span; var dst = output.Span;
            for (int i = 0; i < dst.Length; i++) dst[i] = src[i] + w * br[i];
            return;
        }
        if (block is not PlainBlock<T>)
            throw new NotSupportedException($"No forward-mode product for block kind {block.GetType().Name}.");
        Chain(block, theta, x, y, cache, t, output);
    }

    /// <summary>Forward-mode product through <see cref="Block{T}.Layers"/> (for a residual unit: its unweighted branch).</summary>
    private void Chain(Block<T> block, ParameterSet<T> theta, Matrix<T> x, Matrix<T> last, BlockCache<T> cache, Matrix<T> t,
        Matrix<T> output)
    {
        var layers = block.Layers;
        var current = t;
        for (int i = 0; i < layers.Count; i++)
        {
            var input = i == 0 ? x : cache.Outputs[i - 1];
            var layerOutput = i == layers.Count - 1 ? last : cache.Outputs[i];
            var target = i == layers.Count - 1 ? output : (ReferenceEquals(current, _a) ? _b : _a);
            Layer(layers[i], theta, input, layerOutput, cache.LayerCaches[i], current, target);
            current = target;
        }
    }
}

/// <summary>Vector-Jacobian products of parts of a block that the engine does not expose on their own.</summary>
public sealed class BranchVjp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Matrix<T> _a = new(0, 0), _b = new(0, 0);

    /// <summary>dx = J_ρᵀ dy for the weighted branch ρ(h) = w_r·branch(h) of a residual unit (skip path excluded).</summary>
    public void WeightedBranch(ResidualUnit<T> unit, ParameterSet<T> theta, Matrix<T> x, BlockCache<T> cache, Matrix<T> dy, Matrix<T> dx)
    {
        var layers = unit.Layers;
        var current = dy;
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            var input = i == 0 ? x : cache.Outputs[i - 1];
            var output = cache.Outputs[i];
            var target = i == 0 ? dx : (ReferenceEquals(current, _a) ? _b : _a);
            layers[i].Backward(theta, input, output, cache.LayerCaches[i], current, target, null);
            current = target;
        }
        ElementWise.Map(dx.Span, dx.Span, new ScaleOperator<T>(T.CreateChecked(unit.ResidualWeight)));
    }
}
