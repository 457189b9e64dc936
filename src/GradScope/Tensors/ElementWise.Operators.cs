using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>x + y.</summary>
internal readonly struct AddOperator<T> : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T x, T y) => x + y;
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}

/// <summary>w·x.</summary>
internal readonly struct ScaleOperator<T>(T w) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T x) => w * x;
    public Vector256<T> Invoke(Vector256<T> x) => Vector256.Create(w) * x;
    public Vector512<T> Invoke(Vector512<T> x) => Vector512.Create(w) * x;
}

/// <summary>x + w·y (residual connection).</summary>
internal readonly struct AddScaledOperator<T>(T w) : IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T x, T y) => x + w * y;
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + Vector256.Create(w) * y;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + Vector512.Create(w) * y;
}

/// <summary>z + x·y, unfused (two roundings, as the scalar code): accumulations such as dγ += dy ⊙ x̂.</summary>
internal readonly struct MultiplyAddOperator<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T x, T y, T z) => z + x * y;
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y, Vector256<T> z) => z + x * y;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y, Vector512<T> z) => z + x * y;
}

/// <summary>x·y·z evaluated left to right.</summary>
internal readonly struct MultiplyOperator3<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T x, T y, T z) => x * y * z;
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y, Vector256<T> z) => x * y * z;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y, Vector512<T> z) => x * y * z;
}

/// <summary>(x − μ)·s with per-element μ and s (normalisation by column statistics).</summary>
internal readonly struct NormalizeOperator<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T x, T mu, T s) => (x - mu) * s;
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> mu, Vector256<T> s) => (x - mu) * s;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> mu, Vector512<T> s) => (x - mu) * s;
}

/// <summary>(x − μ)·s with scalar μ and s (normalisation by row statistics).</summary>
internal readonly struct NormalizeScalarOperator<T>(T mu, T s) : IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T x) => (x - mu) * s;
    public Vector256<T> Invoke(Vector256<T> x) => (x - Vector256.Create(mu)) * Vector256.Create(s);
    public Vector512<T> Invoke(Vector512<T> x) => (x - Vector512.Create(mu)) * Vector512.Create(s);
}

/// <summary>γ·x̂ + β with per-element γ, β.</summary>
internal readonly struct AffineOperator<T> : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T h, T gamma, T beta) => gamma * h + beta;
    public Vector256<T> Invoke(Vector256<T> h, Vector256<T> gamma, Vector256<T> beta) => gamma * h + beta;
    public Vector512<T> Invoke(Vector512<T> h, Vector512<T> gamma, Vector512<T> beta) => gamma * h + beta;
}
