using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>
/// One block of a network: the unit between two positions of SPEC §1.1. Like a layer, a block is a
/// function of (parameters, input) whose activations live in a caller-owned <see cref="BlockCache{T}"/>,
/// and whose backward accepts C stacked cotangents (C·B rows) for one cached forward.
/// </summary>
public abstract class Block<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected Block(string name, IReadOnlyList<Layer<T>> layers)
    {
        if (layers.Count == 0) throw new ArgumentException("A block needs at least one layer.");
        Name = name;
        Layers = layers;
        for (int i = 1; i < layers.Count; i++)
            if (layers[i].InputDim != layers[i - 1].OutputDim)
                throw new ArgumentException($"{name}: layer {i} expects {layers[i].InputDim} inputs, gets {layers[i - 1].OutputDim}.");
    }

    /// <summary>Parameter name prefix, e.g. <c>blocks.3</c>.</summary>
    public string Name { get; }

    /// <summary>All layers in application order (for a residual unit: its branch).</summary>
    public IReadOnlyList<Layer<T>> Layers { get; }

    public abstract int InputDim { get; }
    public int OutputDim => Layers[^1].OutputDim;
    public int LinearCount => Layers.Count(l => l is Linear<T>);
    public bool CouplesExamples => Layers.Any(l => l.CouplesExamples);

    public BlockCache<T> CreateCache() => new(Layers);

    public abstract void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, ForwardMode mode);

    /// <summary>dx = J_blockᵀ dy (dx may be null); grads += ∂/∂θ for a single cotangent.</summary>
    public abstract void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads);

    /// <summary>The input matrix of every nonlinearity of the block after a forward: its pre-activations.</summary>
    public IEnumerable<(Layer<T> Layer, Matrix<T> PreActivation)> PreActivations(Matrix<T> x, BlockCache<T> cache)
    {
        for (int i = 0; i < Layers.Count; i++)
            if (Layers[i].IsNonlinearity)
                yield return (Layers[i], i == 0 ? x : cache.Outputs[i - 1]);
    }

    public abstract string Describe();

    public override string ToString() => Describe();

    private bool? _rowLocal;

    /// <summary>Every layer is <see cref="Layer{T}.RowLocal"/>: the block can run on a slice of the batch.</summary>
    internal bool RowLocal => _rowLocal ??= Layers.All(l => l.RowLocal);

    /// <summary>Shapes every matrix a row-sliced forward of <paramref name="batch"/> examples writes (before the threads start).</summary>
    internal virtual void PrepareRows(BlockCache<T> cache, Matrix<T> y, int batch, ForwardMode mode)
    {
        for (int i = 0; i < Layers.Count; i++)
        {
            cache.LayerCaches[i].Mode = mode;
            Layers[i].PrepareRows(cache.LayerCaches[i], batch);
            if (i < Layers.Count - 1) cache.Outputs[i].Resize(batch, Layers[i].OutputDim);
        }
        y.Resize(batch, OutputDim);
    }

    /// <summary>Rows [r0, r0 + rows) of <see cref="Forward"/>; <see cref="PrepareRows"/> has shaped the outputs.</summary>
    internal abstract void ForwardRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, int r0, int rows);

    /// <summary>Rows [r0, r0 + rows) of <see cref="Backward"/> for one cotangent; dx may be empty (not needed). Parameter
    /// gradients are added to <paramref name="grads"/>, or written over them when <paramref name="overwrite"/>.</summary>
    internal abstract void BackwardRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache,
        ReadOnlySpan<T> dy, Span<T> dx, int r0, int rows, RowScratch<T> scratch, ParameterSet<T> grads, bool overwrite);

    private protected void ForwardLayersRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> last, BlockCache<T> cache, int r0, int rows)
    {
        for (int i = 0; i < Layers.Count; i++)
        {
            var input = i == 0 ? x : cache.Outputs[i - 1];
            var output = i == Layers.Count - 1 ? last : cache.Outputs[i];
            if (Layers[i] is Linear<T> linear && i + 1 < Layers.Count && Layers[i + 1].FusesBias)
            {
                // linear → activation in two passes instead of three: the product (β = 0), then bias and f together. In a
                // training pass whose activation's backward reads only its output, the product goes into the output's rows
                // and f replaces it there: the tape keeps no pre-activation (one stream per layer less to memory).
                var y = (i + 1 == Layers.Count - 1 ? last : cache.Outputs[i + 1]).RowBlock(r0, rows);
                var z = Layers[i + 1].KeepsInput(cache.LayerCaches[i + 1].Mode) ? output.RowBlock(r0, rows) : y;
                var bias = linear.ForwardRowsWithoutBias(theta, input.RowBlock(r0, rows), z, rows, cache.LayerCaches[i]);
                i++;
                Layers[i].ForwardRowsWithBias(bias, z, y, rows, default, default, default);
                continue;
            }
            if (Layers[i] is Linear<T> product && i + 1 < Layers.Count && Layers[i + 1] is LayerNorm<T> norm
                && product.BiasAddsAfterProductExactly)
            {
                // linear → layer norm [→ f]: the product (β = 0), then bias, statistics, normalisation [and f, in a training pass,
                // when f's backward reads only its output] over groups of rows while they are in L1.
                var z = output.RowBlock(r0, rows);
                var bias = product.ForwardRowsWithoutBias(theta, input.RowBlock(r0, rows), z, rows, cache.LayerCaches[i]);
                int n = i + 1;
                var next = cache.LayerCaches[n].Mode == ForwardMode.Train && n + 1 < Layers.Count && norm.CanFuse(Layers[n + 1])
                    ? Layers[n + 1] : null;
                i = next is null ? n : n + 1;
                var y = i == Layers.Count - 1 ? last : cache.Outputs[i];
                norm.ForwardRowsFused(theta, z, bias, y.RowBlock(r0, rows), rows, cache.LayerCaches[n], r0, next);
                continue;
            }
            Layers[i].ForwardRows(theta, input.RowBlock(r0, rows), output.RowBlock(r0, rows), rows, cache.LayerCaches[i], r0);
        }
    }

    private protected void BackwardLayersRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> last, BlockCache<T> cache,
        ReadOnlySpan<T> dy, Span<T> dx, int r0, int rows, RowScratch<T> scratch, ParameterSet<T> grads, bool overwrite)
    {
        ReadOnlySpan<T> current = dy;
        bool useA = true;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            var input = i == 0 ? x : cache.Outputs[i - 1];
            var output = i == Layers.Count - 1 ? last : cache.Outputs[i];
            Span<T> target = i == 0 ? dx : (useA ? scratch.LayerA : scratch.LayerB).AsSpan(0, rows * Layers[i].InputDim);
            useA = !useA;
            Layers[i].BackwardRows(theta, input.RowBlock(r0, rows), output.RowBlock(r0, rows), current, target, rows, grads, overwrite,
                cache.LayerCaches[i], r0);
            current = target;
        }
    }

    /// <summary>Packs the weights of the block's linear layers, as <paramref name="theta"/> holds them, for the input gradients of
    /// every coming <see cref="Backward"/> on <paramref name="cache"/> (or a view of it): a diagnostic that sends many chunks of
    /// cotangents through one forward packs each W once instead of once per chunk. Until <see cref="ReleaseWeights"/>.</summary>
    internal void PackBackwardWeights(ParameterSet<T> theta, BlockCache<T> cache)
    {
        for (int i = 0; i < Layers.Count; i++)
            if (Layers[i] is Linear<T> linear) linear.PackWeights(theta, cache.LayerCaches[i], backward: true);
    }

    /// <summary>Marks the packings of <see cref="PackBackwardWeights"/> stale.</summary>
    internal void ReleaseWeights(BlockCache<T> cache)
    {
        for (int i = 0; i < Layers.Count; i++)
            if (Layers[i] is Linear<T>) Linear<T>.ReleaseWeights(cache.LayerCaches[i]);
    }

    /// <summary>Forward through <see cref="Layers"/>; layer i writes <c>cache.Outputs[i]</c>, the last writes
    /// <paramref name="last"/>.</summary>
    protected void ForwardLayers(ParameterSet<T> theta, Matrix<T> x, Matrix<T> last, BlockCache<T> cache, ForwardMode mode)
    {
        for (int i = 0; i < Layers.Count; i++)
        {
            var input = i == 0 ? x : cache.Outputs[i - 1];
            var output = i == Layers.Count - 1 ? last : cache.Outputs[i];
            Layers[i].Forward(theta, input, output, cache.LayerCaches[i], mode);
        }
    }

    /// <summary>Backward through <see cref="Layers"/> in reverse, ping-ponging between two scratch buffers, down to layer
    /// <paramref name="firstLayer"/>, whose input cotangent goes to <paramref name="dx"/>. Without parameter gradients a batch
    /// norm (batch statistics) followed by an activation goes back in two passes per cotangent instead of five
    /// (<see cref="BatchNorm{T}.BackwardWithActivation"/>, the same arithmetic).</summary>
    /// <param name="addToInput">Added to <paramref name="dx"/> (a residual unit's skip cotangent): inside the last pass when that
    /// is a fused batch norm's, else after it; the same rounding either way.</param>
    protected void BackwardLayers(ParameterSet<T> theta, Matrix<T> x, Matrix<T> last, BlockCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads, int firstLayer = 0, Matrix<T>? addToInput = null)
    {
        var current = dy;
        for (int i = Layers.Count - 1; i >= firstLayer; i--)
        {
            var input = i == 0 ? x : cache.Outputs[i - 1];
            var output = i == Layers.Count - 1 ? last : cache.Outputs[i];
            Matrix<T>? target = i == firstLayer ? dx : (ReferenceEquals(current, cache.ScratchA) ? cache.ScratchB : cache.ScratchA);
            if (target is null && grads is null) return;
            if (grads is null && i - 1 >= firstLayer && Layers[i].HasColumnSumBackward && Layers[i - 1] is BatchNorm<T> norm
                && cache.LayerCaches[i - 1].Mode != ForwardMode.Eval && (i - 1 > firstLayer || dx is not null))
            {
                bool reachesInput = i - 1 == firstLayer;
                var normTarget = reachesInput ? dx! : target!; // dx over g in place (BackwardWithActivation allows it): one buffer less
                norm.BackwardWithActivation(theta, cache.LayerCaches[i - 1], Layers[i], input, output, current, target!, normTarget,
                    reachesInput ? addToInput : null);
                if (reachesInput) return;
                current = normTarget;
                i--;
                continue;
            }
            Layers[i].Backward(theta, input, output, cache.LayerCaches[i], current, target, grads);
            if (target is null) return;
            current = target;
        }
        if (addToInput is not null && dx is not null) ElementWise.Map(dx.Span, addToInput.Span, dx.Span, default(AddOperator<T>));
    }
}

/// <summary>Activations and scratch space of one block for one forward pass.</summary>
public sealed class BlockCache<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public BlockCache(IReadOnlyList<Layer<T>> layers)
    {
        Outputs = layers.Select(_ => new Matrix<T>(0, 0)).ToArray();
        LayerCaches = layers.Select(l => l.CreateCache()).ToArray();
        ScratchA = new(0, 0);
        ScratchB = new(0, 0);
        WeightedCotangent = new(0, 0);
    }

    /// <summary>
    /// A view that reads the forward data of <paramref name="forward"/> (outputs and layer caches, which a backward only
    /// reads) and writes its own scratch: several threads can then run backward passes of one cached forward at once,
    /// each with its own scratch matrices (one set per thread, shared by every block that thread steps through).
    /// </summary>
    internal BlockCache(BlockCache<T> forward, Matrix<T> scratchA, Matrix<T> scratchB, Matrix<T> weighted)
    {
        Outputs = forward.Outputs;
        LayerCaches = forward.LayerCaches;
        ScratchA = scratchA;
        ScratchB = scratchB;
        WeightedCotangent = weighted;
    }

    /// <summary>Output of layer i (B × d_i); for plain blocks the last entry is unused (the block output is the caller's).</summary>
    public Matrix<T>[] Outputs { get; }
    public LayerCache<T>[] LayerCaches { get; }
    public Matrix<T> ScratchA { get; }
    public Matrix<T> ScratchB { get; }
    /// <summary>w_r · dy for a residual unit's branch.</summary>
    public Matrix<T> WeightedCotangent { get; }
}

/// <summary>linear → [norm] → act: the block of vanilla and looks-linear networks.</summary>
public sealed class PlainBlock<T> : Block<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public PlainBlock(string name, IReadOnlyList<Layer<T>> layers) : base(name, layers) { }

    public override int InputDim => Layers[0].InputDim;

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, ForwardMode mode)
        => ForwardLayers(theta, x, y, cache, mode);

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
        => BackwardLayers(theta, x, y, cache, dy, dx, grads);

    /// <summary>The cotangent at the output of the block's first layer (<paramref name="dz"/>), from the block's output
    /// cotangent: <see cref="Backward"/> without its last step, for a caller that applies the first layer itself (the λ
    /// program's product at the network input, see <c>LambdaInputBlock</c>).</summary>
    internal void BackwardToFirstLayerOutput(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, Matrix<T> dy,
        Matrix<T> dz)
    {
        if (Layers.Count < 2) throw new InvalidOperationException($"{Name} has a single layer.");
        BackwardLayers(theta, x, y, cache, dy, dz, null, firstLayer: 1);
    }

    internal override void ForwardRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, int r0, int rows)
        => ForwardLayersRows(theta, x, y, cache, r0, rows);

    internal override void BackwardRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache,
        ReadOnlySpan<T> dy, Span<T> dx, int r0, int rows, RowScratch<T> scratch, ParameterSet<T> grads, bool overwrite)
        => BackwardLayersRows(theta, x, y, cache, dy, dx, r0, rows, scratch, grads, overwrite);

    public override string Describe() => string.Join(" → ", Layers.Select(l => l.Describe()));
}

/// <summary>
/// Residual unit f(h) = h + w_r · branch(h), branch = (linear → [norm] → act) × m (SPEC §1.2).
/// Backward: dh = dy + branchᵀ(w_r · dy).
/// </summary>
public sealed class ResidualUnit<T> : Block<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ResidualUnit(string name, IReadOnlyList<Layer<T>> branch, double residualWeight) : base(name, branch)
    {
        if (branch[0].InputDim != branch[^1].OutputDim)
            throw new ArgumentException(
                $"{name}: a residual branch must preserve the width ({branch[0].InputDim} → {branch[^1].OutputDim}).");
        ResidualWeight = residualWeight;
    }

    /// <summary>w_r, the weight of the branch (dilution).</summary>
    public double ResidualWeight { get; }

    public override int InputDim => Layers[0].InputDim;

    /// <summary>The branch output before weighting, branch(h), after a forward that keeps it: every pass but a row-parallel
    /// training pass of a branch ending in a product, which forms it in the unit's output (see <see cref="ForwardRows"/>).</summary>
    public Matrix<T> BranchOutput(BlockCache<T> cache) => cache.Outputs[^1];

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, ForwardMode mode)
    {
        var branch = cache.Outputs[^1];
        ForwardLayers(theta, x, branch, cache, mode);
        y.Resize(x.Rows, x.Cols);
        T w = T.CreateChecked(ResidualWeight);
        ElementWise.Map(x.Span, branch.Span, y.Span, new AddScaledOperator<T>(w));
    }

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
    {
        var weighted = cache.WeightedCotangent.Resize(dy.Rows, dy.Cols);
        T w = T.CreateChecked(ResidualWeight);
        ElementWise.Map(dy.Span, weighted.Span, new ScaleOperator<T>(w));
        BackwardLayers(theta, x, cache.Outputs[^1], cache, weighted, dx, grads, addToInput: dy);
    }

    internal override void PrepareRows(BlockCache<T> cache, Matrix<T> y, int batch, ForwardMode mode)
    {
        base.PrepareRows(cache, y, batch, mode);
        cache.Outputs[^1].Resize(batch, OutputDim);
    }

    internal override void ForwardRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache, int r0, int rows)
    {
        // In a training pass whose branch ends in a layer that its backward does not read the output of (a pre-activation
        // branch ends in a product), the branch is formed in the unit's output rows and the sum replaces it there: the tape
        // keeps no branch output (one stream per unit less to memory).
        var branch = Layers[^1].KeepsOutput(cache.LayerCaches[^1].Mode) ? cache.Outputs[^1] : y;
        ForwardLayersRows(theta, x, branch, cache, r0, rows);
        T w = T.CreateChecked(ResidualWeight);
        ElementWise.Map(x.RowBlock(r0, rows), branch.RowBlock(r0, rows), y.RowBlock(r0, rows), new AddScaledOperator<T>(w));
    }

    internal override void BackwardRows(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, BlockCache<T> cache,
        ReadOnlySpan<T> dy, Span<T> dx, int r0, int rows, RowScratch<T> scratch, ParameterSet<T> grads, bool overwrite)
    {
        var weighted = scratch.Weighted.AsSpan(0, dy.Length);
        ElementWise.Map(dy, weighted, new ScaleOperator<T>(T.CreateChecked(ResidualWeight)));
        BackwardLayersRows(theta, x, cache.Outputs[^1], cache, weighted, dx, r0, rows, scratch, grads, overwrite);
        if (!dx.IsEmpty) ElementWise.Map(dx, dy, dx, default(AddOperator<T>));
    }

    public override string Describe() =>
        $"x + {ResidualWeight:0.###}·[{string.Join(" → ", Layers.Select(l => l.Describe()))}]";
}
