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
        var w = theta[WeightIndex];
        if (dx is not null)
        {
            dx.Resize(dy.Rows, InputDim);
            Gemm.Multiply(dy, Op.None, w, Op.None, dx, T.One, T.Zero);
        }
        if (grads is null) return;
        Gemm.Multiply(dy, Op.Transpose, x, Op.None, grads[WeightIndex], T.One, T.One);
        if (BiasIndex >= 0)
        {
            ElementWise.AddColumnSums<T>(dy.Span, dy.Rows, dy.Cols, grads[BiasIndex].Span);
        }
    }

    internal override bool RowLocal => true;

    internal override IEnumerable<int> RowGradientIndices => BiasIndex >= 0 ? [WeightIndex, BiasIndex] : [WeightIndex];

    internal override void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows)
    {
        var w = theta[WeightIndex].Span;
        if (BiasIndex >= 0)
        {
            var b = theta[BiasIndex].Span;
            for (int r = 0; r < rows; r++) b.CopyTo(y.Slice(r * OutputDim, OutputDim));
        }
        Gemm.Multiply(Op.None, Op.Transpose, rows, OutputDim, InputDim, T.One, x, InputDim, w, InputDim,
            BiasIndex >= 0 ? T.One : T.Zero, y, OutputDim);
    }

    /// <summary>z = x·Wᵀ without the bias (β = 0), for <see cref="Layer{T}.ForwardRowsWithBias"/> to add it.</summary>
    internal ReadOnlySpan<T> ForwardRowsWithoutBias(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> z, int rows)
    {
        Gemm.Multiply(Op.None, Op.Transpose, rows, OutputDim, InputDim, T.One, x, InputDim, theta[WeightIndex].Span, InputDim, T.Zero, z, OutputDim);
        return BiasIndex >= 0 ? theta[BiasIndex].Span : default;
    }

    internal override void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite)
    {
        if (!dx.IsEmpty)
            Gemm.Multiply(Op.None, Op.None, rows, InputDim, OutputDim, T.One, dy, OutputDim, theta[WeightIndex].Span, InputDim, T.Zero, dx, InputDim);
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
