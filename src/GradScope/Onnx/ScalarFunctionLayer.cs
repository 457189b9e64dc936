using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>
/// An element-wise nonlinearity y = f(z) for an imported <see cref="ScalarFunction"/> (LeakyRelu, ELU, GELU, …).
/// Forward keeps f′(z) in the cache; backward is dz = dy ⊙ f′(z) for each of the C stacked cotangents. Scalar code in
/// double: it is its own reference (the dual-number derivative is checked against finite differences in the tests).
/// </summary>
public sealed class ScalarFunctionLayer<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ScalarFunctionLayer(string name, int dim, ScalarFunction function) : base(name, dim, dim) => Function = function;

    public ScalarFunction Function { get; }

    public override bool IsNonlinearity => true;

    private sealed class Cache : LayerCache<T>
    {
        /// <summary>f′(z), B × d.</summary>
        public Matrix<T> Derivative { get; } = new(0, 0);
    }

    public override LayerCache<T> CreateCache() => new Cache();

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache, ForwardMode mode)
    {
        cache.Mode = mode;
        y.Resize(x.Rows, x.Cols);
        var derivative = ((Cache)cache).Derivative.Resize(x.Rows, x.Cols).Span;
        var z = x.Span; var output = y.Span;
        for (int i = 0; i < z.Length; i++)
        {
            var (v, d) = Function.Evaluate(double.CreateTruncating(z[i]));
            output[i] = T.CreateTruncating(v);
            derivative[i] = T.CreateTruncating(d);
        }
    }

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
    {
        if (dx is null) return;
        int cotangents = CotangentCount(dy, x);
        dx.Resize(dy.Rows, dy.Cols);
        var derivative = ((Cache)cache).Derivative.Span;
        int block = derivative.Length;
        var g = dy.Span; var d = dx.Span;
        for (int c = 0; c < cotangents; c++)
            for (int i = 0; i < block; i++) d[c * block + i] = g[c * block + i] * derivative[i];
    }

    public override string Describe() => Function.FriendlyName();
}
