using System.Numerics;

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
}

/// <summary>relu(z) = max(z, 0); derivative 1 for z &gt; 0, else 0 (the subgradient PyTorch uses at 0).</summary>
public readonly struct ReluOperator<T> : IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "relu";
    public static T Apply(T z) => z > T.Zero ? z : T.Zero;
    public static T Derivative(T z, T y) => z > T.Zero ? T.One : T.Zero;
}

/// <summary>tanh(z); derivative 1 − tanh²(z) = 1 − y².</summary>
public readonly struct TanhOperator<T> : IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "tanh";
    public static T Apply(T z) => T.Tanh(z);
    public static T Derivative(T z, T y) => T.One - y * y;
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
}

/// <summary>The identity, for linear networks.</summary>
public readonly struct IdentityOperator<T> : IActivationOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "linear";
    public static T Apply(T z) => z;
    public static T Derivative(T z, T y) => T.One;
}
