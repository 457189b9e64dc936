using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>How a forward pass treats normalisation statistics.</summary>
public enum ForwardMode
{
    /// <summary>Batch statistics, running statistics updated (training step).</summary>
    Train,
    /// <summary>Running statistics (evaluation of a trained network).</summary>
    Eval,
    /// <summary>Batch statistics, running statistics left alone (diagnostics analyse a batch as training sees it).</summary>
    Analyze,
}

/// <summary>
/// A differentiable map from a batch of inputs (B × InputDim) to a batch of outputs (B × OutputDim).
/// A layer holds no parameter values and no activations: parameters come from a
/// <see cref="ParameterSet{T}"/> (θ or θ⁰) and everything a backward pass needs is kept in a
/// <see cref="LayerCache{T}"/> that the caller owns. One forward can therefore serve many backward
/// calls, and one definition can run with two parameter sets side by side (SPEC §6).
///
/// Backward is the vector-Jacobian product. Its cotangent may stack C cotangents for the same cached
/// forward: <c>dy</c> then has C·B rows, row r belonging to example r mod B. Parameter gradients are
/// only accumulated (added, never overwritten) for a single cotangent (C = 1).
/// </summary>
public abstract class Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected Layer(string name, int inputDim, int outputDim)
    {
        Name = name;
        InputDim = inputDim;
        OutputDim = outputDim;
    }

    /// <summary>Parameter name prefix, e.g. <c>blocks.3.linear</c>.</summary>
    public string Name { get; }
    public int InputDim { get; }
    public int OutputDim { get; }

    /// <summary>True when one example's output depends on other examples of the batch (batch norm).</summary>
    public virtual bool CouplesExamples => false;

    /// <summary>True for element-wise nonlinearities, whose inputs are the pre-activations of SPEC §2.3.</summary>
    public virtual bool IsNonlinearity => false;

    public virtual LayerCache<T> CreateCache() => new();

    public abstract void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache, ForwardMode mode);

    /// <summary>dx = Jᵀ dy (dx may be null when the input gradient is not needed); grads += ∂/∂θ.</summary>
    public abstract void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads);

    public abstract string Describe();

    public override string ToString() => Describe();

    protected static int CotangentCount(Matrix<T> dy, Matrix<T> x)
    {
        if (x.Rows == 0 || dy.Rows % x.Rows != 0)
            throw new ArgumentException($"Cotangent rows ({dy.Rows}) must be a multiple of the batch ({x.Rows}).");
        return dy.Rows / x.Rows;
    }

    protected static void RequireSingleCotangent(int cotangents, ParameterSet<T>? grads)
    {
        if (grads is not null && cotangents != 1)
            throw new ArgumentException("Parameter gradients need a single cotangent per example.");
    }
}

/// <summary>Per-forward storage of a layer: whatever its backward needs besides input and output.</summary>
public class LayerCache<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ForwardMode Mode { get; set; }
}
