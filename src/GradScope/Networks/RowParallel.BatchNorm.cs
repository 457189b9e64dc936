using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>
/// The batch-norm phases of <see cref="RowParallel{T}"/>, for any chain of plain blocks and residual units whose layers
/// are row-local or batch norm, in any order (post- and pre-activation branches alike). The network is read as one flat
/// program of steps — every layer of every block, a residual unit's "x + w·branch" after its branch, the output layer —
/// and each batch-norm layer cuts it: it needs statistics over the whole batch in the forward pass and the sums Σdy,
/// Σdy⊙x̂ over the whole batch in the backward pass. Between two cuts every slice runs its rows alone; at a cut each slice
/// leaves partial statistics and the caller combines them in slice order between two pool calls. No barrier inside a
/// pool call, so a busy pool running the items inline gives the same (bit-identical) result.
/// </summary>
internal sealed partial class RowParallel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>One step of the flat program: layer <paramref name="Layer"/> of block <paramref name="Block"/>, the residual
    /// combination of the block (<see cref="Combine"/>), or the output layer (Block = −1).</summary>
    private readonly record struct Step(int Block, int Layer)
    {
        public const int Combine = -1;
        public bool IsOutput => Block < 0;
    }

    private Step[]? _steps;
    private int[] _cuts = [];
    private bool _phasesMatched;

    /// <summary>True when the phased path applies: every block a plain block or residual unit of row-local and batch-norm
    /// layers with at least one batch norm somewhere, and a row-local output layer.</summary>
    internal bool HasBatchNormPhases
    {
        get
        {
            if (!_phasesMatched)
            {
                _steps = BuildSteps(_network, out _cuts);
                _phasesMatched = true;
            }
            return _steps is not null;
        }
    }

    private static Step[]? BuildSteps(Network<T> network, out int[] cuts)
    {
        cuts = [];
        if (!network.Output.RowLocal) return null;
        var steps = new List<Step>();
        var cutList = new List<int>();
        for (int b = 0; b < network.BlockCount; b++)
        {
            var block = network.Blocks[b];
            if (block is not (PlainBlock<T> or ResidualUnit<T>)) return null;
            for (int i = 0; i < block.Layers.Count; i++)
            {
                if (block.Layers[i] is BatchNorm<T>) cutList.Add(steps.Count);
                else if (!block.Layers[i].RowLocal) return null;
                steps.Add(new Step(b, i));
            }
            if (block is ResidualUnit<T>) steps.Add(new Step(b, Step.Combine));
        }
        steps.Add(new Step(-1, 0));
        cuts = cutList.ToArray();
        return cuts.Length > 0 ? steps.ToArray() : null;
    }

    private BatchNorm<T> NormAt(int cut) => (BatchNorm<T>)_network.Blocks[_steps![cut].Block].Layers[_steps[cut].Layer];

    private static BatchNorm<T>.Cache NormCache(Tape<T> tape, Step step) =>
        (BatchNorm<T>.Cache)tape.BlockCaches[step.Block].LayerCaches[step.Layer];

    /// <summary>A training pass may overwrite a batch norm's input with x̂ when that input is a linear layer's output of the
    /// same block: nothing reads it afterwards (a linear layer's backward reads its input, not its output).</summary>
    private bool NormalizesInPlace(Step norm) => norm.Layer > 0 && _network.Blocks[norm.Block].Layers[norm.Layer - 1] is Linear<T>;

    /// <summary>In a training pass, the element-wise layer right after a batch norm of its block takes its output from the
    /// normalisation pass when it can (<see cref="Layer{T}.FusesAfterNormalize"/>); the batch norm's own output is then never
    /// written, and never read: that layer's backward reads its own output only.</summary>
    private bool FusesAfterNorm(Step norm, int next, int end, ForwardMode mode) =>
        mode == ForwardMode.Train && next < end && _steps![next].Block == norm.Block && _steps[next].Layer == norm.Layer + 1
        && _network.Blocks[norm.Block].Layers[norm.Layer + 1].FusesAfterNormalize;

    /// <summary>Forward with batch statistics by row slices: phase p normalises at cut p − 1 (with the combined
    /// statistics), runs the steps up to cut p and leaves the partial statistics of that batch norm's input.</summary>
    public void ForwardBatchNorm(Network<T> network, ParameterSet<T> theta, Matrix<T> input, Tape<T> tape, ForwardMode mode)
    {
        int batch = input.Rows;
        for (int b = 0; b < network.BlockCount; b++)
            network.Blocks[b].PrepareRows(tape.BlockCaches[b], tape.Activations[b + 1], batch, mode);
        tape.OutputCache.Mode = mode;
        tape.Logits.Resize(batch, network.Classes);
        int slices = Slices(batch);
        var parts = tape.RowBatchNorm ??= new BatchNormPartials<T>();
        parts.Ensure(batch, slices, _maxWidth);
        if (mode == ForwardMode.Train)
            foreach (int cut in _cuts)
                if (NormalizesInPlace(_steps![cut])) NormCache(tape, _steps[cut]).KeepNormalizedIn(StepInput(tape, _steps[cut]));
        bool packed = PackWeights(theta, tape, backward: false, slices);
        try
        {
            for (int p = 0; p <= _cuts.Length; p++)
            {
                Run(slices, new PhasedForwardWork(this, parts, theta, tape, batch, slices, p, mode));
                if (p < _cuts.Length)
                    NormAt(_cuts[p]).CombineStatistics(theta, NormCache(tape, _steps![_cuts[p]]), batch, parts.Counts.AsSpan(0, slices),
                        parts.Means, parts.M2s, parts.Mean);
            }
        }
        finally { if (packed) ReleaseWeights(tape); }
    }

    /// <summary>Backward counterpart of <see cref="ForwardBatchNorm"/>, the program in reverse: phase k finishes the batch
    /// norm at cut k − 1 from the end (input gradient from the combined sums), runs the steps back to the next cut and
    /// leaves that batch norm's partial Σdy, Σdy⊙x̂ (which are also the slice's dβ, dγ).</summary>
    public void BackwardBatchNorm(Network<T> network, ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads, bool overwrite)
    {
        int batch = tape.BatchSize;
        int slices = Slices(batch);
        PrepareBackward(network, tape, grads, batch, slices, overwrite);
        var parts = tape.RowBatchNorm ??= new BatchNormPartials<T>();
        parts.Ensure(batch, slices, _maxWidth);
        bool packed = PackWeights(theta, tape, backward: true, slices);
        try
        {
            RunBackwardPhases(theta, tape, grads, parts, batch, slices, overwrite);
        }
        finally { if (packed) ReleaseWeights(tape); }
        ReduceSliceGradients(tape, grads, slices);
    }

    private void RunBackwardPhases(ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads, BatchNormPartials<T> parts, int batch,
        int slices, bool overwrite)
    {
        for (int k = 0; k <= _cuts.Length; k++)
        {
            Run(slices, new PhasedBackwardWork(this, parts, theta, tape, grads, batch, slices, k, overwrite));
            if (k < _cuts.Length)
            {
                int dim = NormAt(_cuts[^(k + 1)]).InputDim;
                var g = parts.TotalG.AsSpan(0, dim);
                var gh = parts.TotalGH.AsSpan(0, dim);
                g.Clear();
                gh.Clear();
                for (int s = 0; s < slices; s++)
                {
                    ElementWise.Map(g, parts.SumG[s].AsSpan(0, dim), g, default(AddOperator<T>));
                    ElementWise.Map(gh, parts.SumGH[s].AsSpan(0, dim), gh, default(AddOperator<T>));
                }
            }
        }
    }

    /// <summary>The input of a step (full-batch matrix): the block input for its first layer, else the previous layer's output.</summary>
    private static Matrix<T> StepInput(Tape<T> tape, Step step) =>
        step.IsOutput ? tape.Activations[^1]
        : step.Layer <= 0 ? tape.Activations[step.Block]
        : tape.BlockCaches[step.Block].Outputs[step.Layer - 1];

    /// <summary>The output of a layer step: the block output for the last layer of a plain block, else the layer's own output
    /// (for a residual unit's last layer, the branch output that <see cref="Step.Combine"/> reads).</summary>
    private Matrix<T> StepOutput(Tape<T> tape, Step step)
    {
        if (step.IsOutput) return tape.Logits;
        var block = _network.Blocks[step.Block];
        bool last = step.Layer == block.Layers.Count - 1;
        return last && block is PlainBlock<T> ? tape.Activations[step.Block + 1] : tape.BlockCaches[step.Block].Outputs[step.Layer];
    }

    private readonly struct PhasedForwardWork(RowParallel<T> owner, BatchNormPartials<T> parts, ParameterSet<T> theta, Tape<T> tape,
        int batch, int slices, int phase, ForwardMode mode) : IWorkItem
    {
        public void Invoke(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            if (rows == 0) return;
            var steps = owner._steps!;
            var cuts = owner._cuts;
            var network = owner._network;
            int start = phase == 0 ? 0 : cuts[phase - 1];
            int end = phase < cuts.Length ? cuts[phase] : steps.Length;
            if (phase > 0)
            {
                var step = steps[start];
                var norm = owner.NormAt(start);
                var x = (StepInput(tape, step)).RowBlock(r0, rows);
                var mean = parts.Mean.AsSpan(0, norm.InputDim);
                if (owner.FusesAfterNorm(step, start + 1, end, mode))
                {
                    var next = network.Blocks[step.Block].Layers[step.Layer + 1];
                    var nextStep = steps[start + 1];
                    var y = (owner.StepOutput(tape, nextStep)).RowBlock(r0, rows);
                    if (start + 2 < end && steps[start + 2].Layer == Step.Combine)
                    {
                        // The activation ends a residual branch: the unit's output x + w·f(…) comes from the same pass.
                        var unit = (ResidualUnit<T>)network.Blocks[step.Block];
                        norm.NormalizeSliceInto(next, theta, x, y, rows, NormCache(tape, step), r0, mean,
                            tape.Activations[step.Block].RowBlock(r0, rows), T.CreateChecked(unit.ResidualWeight),
                            (tape.Activations[step.Block + 1]).RowBlock(r0, rows));
                        start += 3;
                    }
                    else
                    {
                        norm.NormalizeSliceInto(next, theta, x, y, rows, NormCache(tape, step), r0, mean, default, T.Zero, default);
                        start += 2;
                    }
                }
                else
                {
                    norm.NormalizeSlice(theta, x, (owner.StepOutput(tape, step)).RowBlock(r0, rows), rows, NormCache(tape, step), r0,
                        mean);
                    start++;
                }
            }
            ReadOnlySpan<T> pendingBias = default;
            for (int i = start; i < end; i++)
            {
                var step = steps[i];
                var x = (StepInput(tape, step)).RowBlock(r0, rows);
                if (i == end - 1 && phase < cuts.Length && !step.IsOutput && step.Layer != Step.Combine
                    && network.Blocks[step.Block].Layers[step.Layer] is Linear<T> linear)
                {
                    // The linear layer that feeds the batch norm: its bias is added in the statistics pass below.
                    pendingBias = linear.ForwardRowsWithoutBias(theta, x, (owner.StepOutput(tape, step)).RowBlock(r0, rows), rows,
                        tape.BlockCaches[step.Block].LayerCaches[step.Layer]);
                    continue;
                }
                if (step.IsOutput)
                    network.Output.ForwardRows(theta, x, tape.Logits.RowBlock(r0, rows), rows, tape.OutputCache, r0);
                else if (step.Layer == Step.Combine)
                {
                    var unit = (ResidualUnit<T>)network.Blocks[step.Block];
                    var branch = unit.BranchOutput(tape.BlockCaches[step.Block]).RowBlock(r0, rows);
                    ElementWise.Map(x, branch, (tape.Activations[step.Block + 1]).RowBlock(r0, rows),
                        new AddScaledOperator<T>(T.CreateChecked(unit.ResidualWeight)));
                }
                else
                {
                    var y = (owner.StepOutput(tape, step)).RowBlock(r0, rows);
                    var layer = network.Blocks[step.Block].Layers[step.Layer];
                    if (i + 1 < end && steps[i + 1].Layer == Step.Combine && layer.FusesBias)
                    {
                        // The activation that ends a residual branch also forms the unit's output x + w·f(z) in its pass.
                        var unit = (ResidualUnit<T>)network.Blocks[step.Block];
                        layer.ForwardRowsWithBias(default, x, y, rows, tape.Activations[step.Block].RowBlock(r0, rows),
                            T.CreateChecked(unit.ResidualWeight), (tape.Activations[step.Block + 1]).RowBlock(r0, rows));
                        i++;
                        continue;
                    }
                    if (i + 1 < end && steps[i + 1].Layer == Step.Combine && !layer.KeepsOutput(mode))
                    {
                        // A branch that ends in a product (pre-activation) is formed in the unit's output rows and summed
                        // there in training: the tape keeps no branch output (see ResidualUnit.ForwardRows).
                        var unit = (ResidualUnit<T>)network.Blocks[step.Block];
                        var sum = (tape.Activations[step.Block + 1]).RowBlock(r0, rows);
                        layer.ForwardRows(theta, x, sum, rows, tape.BlockCaches[step.Block].LayerCaches[step.Layer], r0);
                        ElementWise.Map(tape.Activations[step.Block].RowBlock(r0, rows), sum, sum,
                            new AddScaledOperator<T>(T.CreateChecked(unit.ResidualWeight)));
                        i++;
                        continue;
                    }
                    layer.ForwardRows(theta, x, y, rows, tape.BlockCaches[step.Block].LayerCaches[step.Layer], r0);
                }
            }
            if (phase < cuts.Length)
            {
                var norm = owner.NormAt(end);
                int dim = norm.InputDim;
                norm.PartialStatistics((StepInput(tape, steps[end])).RowBlock(r0, rows), rows, parts.Means[s].AsSpan(0, dim),
                    parts.M2s[s].AsSpan(0, dim), pendingBias);
            }
        }
    }

    private readonly struct PhasedBackwardWork(RowParallel<T> owner, BatchNormPartials<T> parts, ParameterSet<T> theta, Tape<T> tape,
        ParameterSet<T> grads, int batch, int slices, int phase, bool overwriteGrads) : IWorkItem
    {
        // The slice's cotangent lives in LayerA or LayerB (scratch.Current says which) across phases; a residual unit's
        // output cotangent waits in Skip until its branch has been walked back to the unit's input.
        public void Invoke(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            var (g, overwrite) = SliceGradients(tape, grads, s, overwriteGrads);
            var scratch = tape.RowScratch[s];
            var steps = owner._steps!;
            var cuts = owner._cuts;
            var network = owner._network;
            int start = phase == 0 ? steps.Length - 1 : cuts[^phase];
            int end = phase < cuts.Length ? cuts[^(phase + 1)] : -1;
            if (phase > 0)
            {
                var step = steps[start];
                var norm = owner.NormAt(start);
                int dim = norm.InputDim;
                if (NeedsInputGradient(step))
                {
                    var dx = Other(scratch, rows * dim);
                    norm.InputGradientSlice(theta, Current(scratch, rows * dim), dx, rows, batch, NormCache(tape, step), r0,
                        parts.TotalG.AsSpan(0, dim), parts.TotalGH.AsSpan(0, dim));
                    Advance(scratch, step);
                }
                start--;
            }
            bool summed = false;
            for (int i = start; i > end; i--)
            {
                var step = steps[i];
                if (i == end + 1 && phase < cuts.Length && IsColumnSumActivation(step))
                {
                    // The activation right after the batch norm that ends this phase: its backward forms that batch norm's
                    // partial Σdy, Σdy⊙x̂ in the same pass (the arithmetic of the separate passes, same bits).
                    var act = network.Blocks[step.Block].Layers[step.Layer];
                    var cut = steps[end];
                    int n = rows * act.InputDim;
                    var sumG = parts.SumG[s].AsSpan(0, act.InputDim);
                    var sumGH = parts.SumGH[s].AsSpan(0, act.InputDim);
                    sumG.Clear();
                    sumGH.Clear();
                    act.BackwardWithColumnSums((StepInput(tape, step)).RowBlock(r0, rows),
                        (owner.StepOutput(tape, step)).RowBlock(r0, rows), Current(scratch, n), Other(scratch, n), rows,
                        owner.NormAt(end).NormalizedRows(NormCache(tape, cut), r0, rows), sumG, sumGH);
                    Advance(scratch, step);
                    summed = true;
                    continue;
                }
                if (step.IsOutput)
                {
                    var output = network.Output;
                    output.BackwardRows(theta, tape.Activations[^1].RowBlock(r0, rows), tape.Logits.RowBlock(r0, rows),
                        tape.LogitsCotangent.RowBlock(r0, rows), scratch.LayerA.AsSpan(0, rows * output.InputDim), rows, g,
                        overwrite, tape.OutputCache, r0);
                    scratch.Current = 0;
                    continue;
                }
                var block = network.Blocks[step.Block];
                if (step.Layer == Step.Combine)
                {
                    // The output cotangent becomes the waiting skip cotangent by swapping buffers (same length), not by a copy.
                    int n = rows * block.OutputDim;
                    if (scratch.Current == 0) (scratch.LayerA, scratch.Skip) = (scratch.Skip, scratch.LayerA);
                    else (scratch.LayerB, scratch.Skip) = (scratch.Skip, scratch.LayerB);
                    ElementWise.Map(scratch.Skip.AsSpan(0, n), Other(scratch, n),
                        new ScaleOperator<T>(T.CreateChecked(((ResidualUnit<T>)block).ResidualWeight)));
                    scratch.Current ^= 1;
                    continue;
                }
                var layer = block.Layers[step.Layer];
                bool needDx = NeedsInputGradient(step);
                Span<T> target = needDx ? Other(scratch, rows * layer.InputDim) : default;
                var x = (StepInput(tape, step)).RowBlock(r0, rows);
                var y = (owner.StepOutput(tape, step)).RowBlock(r0, rows);
                layer.BackwardRows(theta, x, y, Current(scratch, rows * layer.OutputDim), target, rows, g, overwrite,
                    tape.BlockCaches[step.Block].LayerCaches[step.Layer], r0);
                if (needDx) Advance(scratch, step);
            }
            if (phase < cuts.Length)
            {
                var step = steps[end];
                var norm = owner.NormAt(end);
                int dim = norm.InputDim;
                var sumG = parts.SumG[s].AsSpan(0, dim);
                var sumGH = parts.SumGH[s].AsSpan(0, dim);
                if (!summed) norm.PartialCotangentSums(Current(scratch, rows * dim), rows, NormCache(tape, step), r0, sumG, sumGH);
                // dγ = Σ dy ⊙ x̂, dβ = Σ dy: the slice's partial sums are its parameter gradients.
                var dGamma = g[norm.GainIndex].Span;
                var dBeta = g[norm.BiasIndex].Span;
                if (overwrite)
                {
                    sumGH.CopyTo(dGamma);
                    sumG.CopyTo(dBeta);
                }
                else
                {
                    ElementWise.Map(dGamma, sumGH, dGamma, default(AddOperator<T>));
                    ElementWise.Map(dBeta, sumG, dBeta, default(AddOperator<T>));
                }
            }

            // An element-wise layer after a batch norm of its own block, which can take that batch norm's cotangent sums along
            // (not a unit's first layer, whose input gradient is joined by the skip cotangent before the sums).
            bool IsColumnSumActivation(Step step) =>
                step.Layer > 0 && network.Blocks[step.Block].Layers[step.Layer].HasColumnSumBackward;

            // The first layer of the first block has no input gradient to form (the network input's is never needed).
            static bool NeedsInputGradient(Step step) => step.Block > 0 || step.Layer > 0;

            // After a layer wrote its input gradient into the other buffer: it becomes current, and at a residual unit's
            // input the waiting output cotangent joins it (dh = dy + branchᵀ(w·dy)).
            void Advance(RowScratch<T> scratch, Step step)
            {
                scratch.Current ^= 1;
                if (step.Layer != 0 || network.Blocks[step.Block] is not ResidualUnit<T> unit) return;
                int n = rows * unit.InputDim;
                var dx = Current(scratch, n);
                ElementWise.Map(dx, scratch.Skip.AsSpan(0, n), dx, default(AddOperator<T>));
            }
        }

        private static Span<T> Current(RowScratch<T> scratch, int length) =>
            (scratch.Current == 0 ? scratch.LayerA : scratch.LayerB).AsSpan(0, length);

        private static Span<T> Other(RowScratch<T> scratch, int length) =>
            (scratch.Current == 0 ? scratch.LayerB : scratch.LayerA).AsSpan(0, length);
    }
}
