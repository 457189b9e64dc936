using System.Numerics;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>The element-wise nonlinearities of the zoo.</summary>
public enum ActivationKind { Relu, Tanh, Selu, Linear }

/// <summary>
/// An element-wise function and its derivative, as a static operator so that one loop driver
/// (<see cref="Activation{T,TOp}"/>) serves every nonlinearity (the TensorPrimitives operator pattern).
/// The derivative receives both the input z and the output y = f(z), whichever is cheaper to use.
/// </summary>
public interface IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract string Name { get; }
    static abstract T Apply(T z);
    static abstract T Derivative(T z, T y);

    // Vector twins of Apply and Derivative (lane by lane the same function), used by the SIMD driver when the
    // matching Vectorized* flag is true for T; otherwise the driver calls the scalar methods.
    static virtual bool VectorizedApply => false;

    /// <summary>True when Derivative(z, y) = Derivative(y, y) for y = f(z): f′ can be read off the output alone (z and
    /// f(z) have the same sign, and the derivative uses only that sign and y). Backward passes then read one stream
    /// of the tape instead of two.</summary>
    static virtual bool DerivativeFromOutput => false;

    /// <summary>True when the vector twins of Apply give the scalar's bits lane by lane (relu, identity), so a pass may
    /// split its rows into vectors and scalar tails in any way and still give the same result.</summary>
    static virtual bool ExactVectorApply => false;
    static virtual bool VectorizedDerivative => false;
    static virtual Vector256<T> Apply(Vector256<T> z) => throw new NotSupportedException();
    static virtual Vector512<T> Apply(Vector512<T> z) => throw new NotSupportedException();
    static virtual Vector256<T> Derivative(Vector256<T> z, Vector256<T> y) => throw new NotSupportedException();
    static virtual Vector512<T> Derivative(Vector512<T> z, Vector512<T> y) => throw new NotSupportedException();
}

/// <summary>The forward pass of an activation as an element-wise operator: y = f(z).</summary>
internal readonly struct ActivationForward<T, TOp> : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IActivationOperator<T>
{
    public bool Vectorizable => TOp.VectorizedApply;
    public T Invoke(T z) => TOp.Apply(z);
    public Vector256<T> Invoke(Vector256<T> z) => TOp.Apply(z);
    public Vector512<T> Invoke(Vector512<T> z) => TOp.Apply(z);
}

/// <summary>The backward pass of an activation as an element-wise operator: dz = dy · f′(z, y).</summary>
internal readonly struct ActivationBackward<T, TOp> : ITernaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IActivationOperator<T>
{
    public bool Vectorizable => TOp.VectorizedDerivative;
    public T Invoke(T g, T z, T y) => g * TOp.Derivative(z, y);
    public Vector256<T> Invoke(Vector256<T> g, Vector256<T> z, Vector256<T> y) => g * TOp.Derivative(z, y);
    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> z, Vector512<T> y) => g * TOp.Derivative(z, y);
}

/// <summary>relu(z) = max(z, 0); derivative 1 for z &gt; 0, else 0 (the subgradient PyTorch uses at 0).</summary>
public readonly struct ReluOperator<T> : IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "relu";
    public static T Apply(T z) => z > T.Zero ? z : T.Zero;
    public static T Derivative(T z, T y) => z > T.Zero ? T.One : T.Zero;

    public static bool DerivativeFromOutput => true;
    public static bool ExactVectorApply => true;
    public static bool VectorizedApply => true;
    public static bool VectorizedDerivative => true;
    public static Vector256<T> Apply(Vector256<T> z) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), z, Vector256<T>.Zero);
    public static Vector512<T> Apply(Vector512<T> z) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), z, Vector512<T>.Zero);
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> y) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), Vector256<T>.One, Vector256<T>.Zero);
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> y) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), Vector512<T>.One, Vector512<T>.Zero);
}

/// <summary>
/// tanh(z); derivative 1 − tanh²(z) = 1 − y². Double is always exact (scalar <c>T.Tanh</c>); float forward uses
/// <see cref="VectorMath.Tanh(Vector256{float})"/> (max relative error vs Math.Tanh &lt; 1e-6) in the SIMD path.
/// </summary>
public readonly struct TanhOperator<T> : IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "tanh";
    public static T Apply(T z) => T.Tanh(z);
    public static T Derivative(T z, T y) => T.One - y * y;

    public static bool DerivativeFromOutput => true;
    public static bool VectorizedApply => typeof(T) == typeof(float);
    public static bool VectorizedDerivative => true;
    public static Vector256<T> Apply(Vector256<T> z) => VectorMath.Tanh(z.As<T, float>()).As<float, T>();
    public static Vector512<T> Apply(Vector512<T> z) => VectorMath.Tanh(z.As<T, float>()).As<float, T>();
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> y) => Vector256<T>.One - y * y;
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> y) => Vector512<T>.One - y * y;
}

/// <summary>
/// selu(z) = λz for z &gt; 0, λα(eᶻ − 1) otherwise (Klambauer et al. 2017).
/// Derivative λ for z &gt; 0, λαeᶻ = y + λα otherwise.
/// </summary>
public readonly struct SeluOperator<T> : IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Lambda = 1.0507009873554805;
    public const double Alpha = 1.6732632423543772;
    private static readonly T LambdaT = T.CreateChecked(Lambda);
    private static readonly T LambdaAlphaT = T.CreateChecked(Lambda * Alpha);

    public static string Name => "selu";
    public static T Apply(T z) => z > T.Zero ? LambdaT * z : LambdaAlphaT * (T.Exp(z) - T.One);
    public static T Derivative(T z, T y) => z > T.Zero ? LambdaT : y + LambdaAlphaT;

    // Float forward uses VectorMath.Exp (Cephes, ≈ 2 ulp); double keeps the scalar T.Exp.
    public static bool VectorizedApply => typeof(T) == typeof(float);
    public static bool VectorizedDerivative => true;
    public static Vector256<T> Apply(Vector256<T> z)
    {
        var f = z.As<T, float>();
        var neg = Vector256.Create(float.CreateTruncating(LambdaAlphaT)) * (VectorMath.Exp(Vector256.Min(f,
            Vector256<float>.Zero)) - Vector256<float>.One);
        var pos = Vector256.Create(float.CreateTruncating(LambdaT)) * f;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(f, Vector256<float>.Zero), pos, neg).As<float, T>();
    }
    public static Vector512<T> Apply(Vector512<T> z)
    {
        var f = z.As<T, float>();
        var neg = Vector512.Create(float.CreateTruncating(LambdaAlphaT)) * (VectorMath.Exp(Vector512.Min(f,
            Vector512<float>.Zero)) - Vector512<float>.One);
        var pos = Vector512.Create(float.CreateTruncating(LambdaT)) * f;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(f, Vector512<float>.Zero), pos, neg).As<float, T>();
    }
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> y) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), Vector256.Create(LambdaT),
            y + Vector256.Create(LambdaAlphaT));
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> y) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), Vector512.Create(LambdaT),
            y + Vector512.Create(LambdaAlphaT));
}

/// <summary>The identity, for linear networks.</summary>
public readonly struct IdentityOperator<T> : IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "linear";
    public static T Apply(T z) => z;
    public static T Derivative(T z, T y) => T.One;

    public static bool DerivativeFromOutput => true;
    public static bool ExactVectorApply => true;
    public static bool VectorizedApply => true;
    public static bool VectorizedDerivative => true;
    public static Vector256<T> Apply(Vector256<T> z) => z;
    public static Vector512<T> Apply(Vector512<T> z) => z;
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> y) => Vector256<T>.One;
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> y) => Vector512<T>.One;
}
