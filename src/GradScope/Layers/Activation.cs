using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>Element-wise nonlinearity y = f(z); backward dz = dy ⊙ f′(z).</summary>
public sealed class Activation<T, TOp> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOp : struct, IActivationOperator<T>
{
    public Activation(string name, int dim) : base(name, dim, dim) { }

    public override bool IsNonlinearity => true;

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache, ForwardMode mode)
    {
        y.Resize(x.Rows, x.Cols);
        ElementWise.Map(x.Span, y.Span, default(ActivationForward<T, TOp>));
    }

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
    {
        if (dx is null) return;
        int cotangents = CotangentCount(dy, x);
        dx.Resize(dy.Rows, dy.Cols);
        var z = x.Span;
        var fz = y.Span;
        int block = z.Length;
        for (int c = 0; c < cotangents; c++)
        {
            var g = dy.Span.Slice(c * block, block);
            var d = dx.Span.Slice(c * block, block);
            ElementWise.Map<T, ActivationBackward<T, TOp>>(g, z, fz, d, default);
        }
    }

    internal override bool RowLocal => true;

    internal override void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows) =>
        ElementWise.Map(x, y, default(ActivationForward<T, TOp>));

    internal override void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite)
    {
        if (!dx.IsEmpty) ElementWise.Map<T, ActivationBackward<T, TOp>>(dy, x, y, dx, default);
    }

    public override string Describe() => $"{TOp.Name}";
}

public static class ActivationFactory
{
    public static Layer<T> Create<T>(ActivationKind kind, string name, int dim) where T : unmanaged, IFloatingPointIeee754<T> =>
        kind switch
        {
            ActivationKind.Relu => new Activation<T, ReluOperator<T>>(name, dim),
            ActivationKind.Tanh => new Activation<T, TanhOperator<T>>(name, dim),
            ActivationKind.Selu => new Activation<T, SeluOperator<T>>(name, dim),
            ActivationKind.Linear => new Activation<T, IdentityOperator<T>>(name, dim),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
}
