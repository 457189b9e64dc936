using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>How a forward pass treats normalisation statistics.</summary>
public enum ForwardMode
{
    /// <summary>Batch statistics, running statistics updated (training step). The tape keeps only what the backward pass
    /// reads: a normalisation layer followed by relu may leave its own output unwritten, a linear layer followed by relu its
    /// pre-activation, a pre-activation residual unit its branch output (use <see cref="Analyze"/> to read every layer's
    /// output).</summary>
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

    /// <summary>
    /// True when the layer maps each example (row) independently and implements the row-sliced forward/backward
    /// (a layer with a cache shapes it in <see cref="PrepareRows"/> and fills its rows in the row forward). Networks made only of
    /// such layers train with the row-parallel step (<see cref="Networks.Network{T}"/>): each thread runs the whole network on a
    /// slice of the batch.
    /// </summary>
    internal virtual bool RowLocal => false;

    /// <summary>Rows of the forward pass: <paramref name="y"/> (rows × OutputDim) from <paramref name="x"/>
    /// (rows × InputDim), both dense slices of the full-batch matrices.</summary>
    internal virtual void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows) =>
        throw new NotSupportedException($"{Describe()} has no row-sliced forward.");

    /// <summary>False when the backward never reads this layer's input (relu and tanh: f′ follows from the output). A training
    /// pass then need not keep that input: a preceding product may form it in this layer's output rows
    /// (<see cref="ForwardRowsWithBias"/> in place).</summary>
    internal virtual bool BackwardReadsInput => true;

    /// <summary>False when the backward never reads this layer's output (a linear layer). A training pass then need not keep
    /// that output once the next pass has consumed it (a residual branch's output, summed into the unit's output in place).</summary>
    internal virtual bool BackwardReadsOutput => true;

    /// <summary>True when a pass in <paramref name="mode"/> must keep this layer's input in the tape: always, except in
    /// training when the backward never reads it.</summary>
    internal bool KeepsInput(ForwardMode mode) => mode != ForwardMode.Train || BackwardReadsInput;

    /// <summary>True when a pass in <paramref name="mode"/> must keep this layer's output in the tape once the next pass has
    /// consumed it: always, except in training when the backward never reads it.</summary>
    internal bool KeepsOutput(ForwardMode mode) => mode != ForwardMode.Train || BackwardReadsOutput;

    /// <summary>True for an element-wise layer that implements <see cref="ForwardRowsWithBias"/>: a preceding
    /// <see cref="Linear{T}"/> then leaves the bias to it and the two share one pass over the rows.</summary>
    internal virtual bool FusesBias => false;

    /// <summary>z += bias (skipped when empty), then y = f(z), and when <paramref name="sum"/> is not empty also
    /// sum = skip + weight·y (a residual unit's output); z, y, skip and sum are rows × InputDim. z and y may be the same
    /// memory (element by element in place).</summary>
    internal virtual void ForwardRowsWithBias(ReadOnlySpan<T> bias, Span<T> z, Span<T> y, int rows, ReadOnlySpan<T> skip, T weight,
        Span<T> sum) =>
        throw new NotSupportedException($"{Describe()} cannot take a bias.");

    /// <summary>True for an element-wise layer that implements <see cref="ForwardRowsAfterNormalize"/>: a batch norm right
    /// before it in a training pass then forms this layer's output in its normalisation pass, and never writes its own.</summary>
    internal virtual bool FusesAfterNormalize => false;

    /// <summary>x̂ = (x − μ)·s (into <paramref name="xhat"/>, which may be <paramref name="x"/> itself), y = f(γ·x̂ + β), and
    /// when <paramref name="sum"/> is not empty also sum = skip + weight·y; all rows × InputDim.</summary>
    internal virtual void ForwardRowsAfterNormalize(ReadOnlySpan<T> x, Span<T> xhat, Span<T> y, int rows, in NormalizeRowArgs<T> norm,
        ReadOnlySpan<T> skip, T weight, Span<T> sum) =>
        throw new NotSupportedException($"{Describe()} cannot follow a fused normalisation.");

    /// <summary>
    /// Rows of the backward pass for a single cotangent: <paramref name="dx"/> = Jᵀ <paramref name="dy"/> (skipped when
    /// empty; it may alias <paramref name="dy"/> only for element-wise layers), and the parameter gradients of these rows
    /// added to <paramref name="grads"/> — or written over them when <paramref name="overwrite"/> (a thread-private buffer).
    /// </summary>
    internal virtual void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite) =>
        throw new NotSupportedException($"{Describe()} has no row-sliced backward.");

    /// <summary>Shapes whatever the layer's cache holds for a row-sliced forward of <paramref name="batch"/> examples
    /// (called before the threads start; the row methods then fill disjoint rows of it).</summary>
    internal virtual void PrepareRows(LayerCache<T> cache, int batch) { }

    /// <summary><see cref="ForwardRows(ParameterSet{T}, ReadOnlySpan{T}, Span{T}, int)"/> for rows [r0, r0 + rows) of the
    /// batch, also filling those rows of the layer's cache (layers with a cache override this).</summary>
    internal virtual void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows, LayerCache<T> cache, int r0) =>
        ForwardRows(theta, x, y, rows);

    /// <summary>
    /// <see cref="BackwardRows(ParameterSet{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, ParameterSet{T}, bool)"/>
    /// for rows [r0, r0 + rows) of the batch, with the cache the row forward filled.
    /// </summary>
    internal virtual void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite, LayerCache<T> cache, int r0) =>
        BackwardRows(theta, x, y, dy, dx, rows, grads, overwrite);

    /// <summary>True for an element-wise layer that implements <see cref="BackwardWithColumnSums"/>: a batch norm before it then
    /// takes its backward and the batch sums it needs in one pass (<see cref="BatchNorm{T}.BackwardWithActivation"/>).</summary>
    internal virtual bool HasColumnSumBackward => false;

    /// <summary>
    /// dx = Jᵀ dy for the <paramref name="rows"/> rows of one cotangent, and the column sums Σ dx and Σ dx ⊙ h added to
    /// <paramref name="sumDx"/> and <paramref name="sumDxH"/> in row order (h: the batch norm's normalised input, B × d).
    /// </summary>
    internal virtual void BackwardWithColumnSums(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows,
        ReadOnlySpan<T> h, Span<T> sumDx, Span<T> sumDxH) =>
        throw new NotSupportedException($"{Describe()} has no backward with column sums.");

    /// <summary>Indices of the parameter tensors whose gradients the row-sliced backward writes (summed over slices).</summary>
    internal virtual IEnumerable<int> RowGradientIndices => [];

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
