using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>The batch-norm phases of <see cref="RowParallel{T}"/>: plain linear → batch norm → activation networks.</summary>
internal sealed partial class RowParallel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private BatchNormStage<T>[]? _stages;
    private bool _stagesMatched;

    /// <summary>The blocks as typed linear → batch norm → activation stages, or null when some block is not one
    /// (or the output layer is not row-local): then the batch-norm phases do not apply.</summary>
    internal BatchNormStage<T>[]? BatchNormStages
    {
        get
        {
            if (_stagesMatched) return _stages;
            var stages = _network.Blocks.Select(BatchNormStage<T>.Of).OfType<BatchNormStage<T>>().ToArray();
            _stages = _network.Output.RowLocal && stages.Length == _network.BlockCount ? stages : null;
            _stagesMatched = true;
            return _stages;
        }
    }

    /// <summary>
    /// Forward of a linear → batch norm → activation network (batch statistics) by row slices. Phase p finishes block
    /// p − 1 (normalise with the combined statistics, activation) and starts block p (linear, partial statistics);
    /// between phases the caller combines the slices' statistics in slice order. No barrier inside a pool call, so a
    /// busy pool running the items inline gives the same (bit-identical) result.
    /// </summary>
    public void ForwardBatchNorm(Network<T> network, ParameterSet<T> theta, Matrix<T> input, Tape<T> tape, ForwardMode mode)
    {
        var stages = BatchNormStages!;
        int batch = input.Rows;
        var blocks = network.Blocks;
        for (int b = 0; b < blocks.Count; b++)
        {
            blocks[b].PrepareRows(tape.BlockCaches[b], tape.Activations[b + 1], batch, mode);
            var normCache = stages[b].NormCache(tape.BlockCaches[b]);
            normCache.Normalized.Resize(batch, blocks[b].OutputDim);
            normCache.InverseStd.Resize(1, blocks[b].OutputDim);
        }
        tape.OutputCache.Mode = mode;
        tape.Logits.Resize(batch, network.Classes);
        int slices = Slices(batch);
        var parts = tape.RowBatchNorm ??= new BatchNormPartials<T>();
        parts.Ensure(batch, slices, _maxWidth);
        for (int p = 0; p <= blocks.Count; p++)
        {
            Run(slices, new BatchNormForwardWork(parts, stages, network, theta, tape, batch, slices, p));
            if (p < blocks.Count)
                stages[p].Norm.CombineStatistics(theta, stages[p].NormCache(tape.BlockCaches[p]), batch, parts.Counts.AsSpan(0, slices),
                    parts.Means, parts.M2s, parts.Mean);
        }
    }

    /// <summary>Backward counterpart of <see cref="ForwardBatchNorm"/>: phase k finishes block L − k (batch-norm input
    /// gradient from the combined sums, linear) and starts block L − k − 1 (activation, partial Σdy, Σdy⊙x̂).</summary>
    public void BackwardBatchNorm(Network<T> network, ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads)
    {
        var stages = BatchNormStages!;
        int batch = tape.BatchSize;
        int slices = Slices(batch);
        PrepareSliceBuffers(network, tape, batch, slices);
        var parts = tape.RowBatchNorm ??= new BatchNormPartials<T>();
        parts.Ensure(batch, slices, _maxWidth);
        int blocks = network.Blocks.Count;
        for (int k = 0; k <= blocks; k++)
        {
            Run(slices, new BatchNormBackwardWork(parts, stages, network, theta, tape, grads, batch, slices, k));
            if (k < blocks)
            {
                int dim = network.Blocks[blocks - 1 - k].OutputDim;
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
        ReduceSliceGradients(tape, grads, slices);
    }

    private readonly struct BatchNormForwardWork(BatchNormPartials<T> parts, BatchNormStage<T>[] stages, Network<T> network,
        ParameterSet<T> theta, Tape<T> tape, int batch, int slices, int phase) : IWorkItem
    {
        public void Invoke(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            if (rows == 0) return;
            if (phase > 0)
            {
                int b = phase - 1;
                var cache = tape.BlockCaches[b];
                var stage = stages[b];
                var normalized = Block<T>.RowsOf(cache.Outputs[1], r0, rows);
                stage.Norm.NormalizeSlice(theta, Block<T>.RowsOf(cache.Outputs[0], r0, rows), normalized, rows,
                    stage.NormCache(cache), r0, parts.Mean.AsSpan(0, stage.Norm.InputDim));
                stage.Activation.ForwardRows(theta, normalized, Block<T>.RowsOf(tape.Activations[b + 1], r0, rows), rows);
            }
            if (phase < stages.Length)
            {
                var cache = tape.BlockCaches[phase];
                var stage = stages[phase];
                var z = Block<T>.RowsOf(cache.Outputs[0], r0, rows);
                stage.Linear.ForwardRows(theta, Block<T>.RowsOf(tape.Activations[phase], r0, rows), z, rows);
                int dim = stage.Norm.InputDim;
                stage.Norm.PartialStatistics(z, rows, parts.Means[s].AsSpan(0, dim), parts.M2s[s].AsSpan(0, dim));
            }
            else
                network.Output.ForwardRows(theta, Block<T>.RowsOf(tape.Activations[^1], r0, rows), Block<T>.RowsOf(tape.Logits, r0, rows),
                    rows);
        }
    }

    private readonly struct BatchNormBackwardWork(BatchNormPartials<T> parts, BatchNormStage<T>[] stages, Network<T> network,
        ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads, int batch, int slices, int phase) : IWorkItem
    {
        // Buffers: NetA holds the cotangent at a block output, LayerA the batch-norm output cotangent, LayerB its input's.
        public void Invoke(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            var g = s == 0 ? grads : tape.RowGradients[s]!;
            bool overwrite = s != 0;
            var scratch = tape.RowScratch[s];
            int b;
            if (phase == 0)
            {
                var output = network.Output;
                output.BackwardRows(theta, Block<T>.RowsOf(tape.Activations[^1], r0, rows), Block<T>.RowsOf(tape.Logits, r0, rows),
                    Block<T>.RowsOf(tape.LogitsCotangent, r0, rows), scratch.NetA.AsSpan(0, rows * output.InputDim), rows, g, overwrite);
                b = stages.Length - 1;
            }
            else
            {
                b = stages.Length - phase;
                var cache = tape.BlockCaches[b];
                var stage = stages[b];
                int dim = stage.Norm.InputDim;
                var dz = scratch.LayerB.AsSpan(0, rows * dim);
                stage.Norm.InputGradientSlice(theta, scratch.LayerA.AsSpan(0, rows * dim), dz, rows, batch, stage.NormCache(cache), r0,
                    parts.TotalG.AsSpan(0, dim), parts.TotalGH.AsSpan(0, dim));
                Span<T> dx = b == 0 ? default : scratch.NetA.AsSpan(0, rows * stage.Linear.InputDim);
                stage.Linear.BackwardRows(theta, Block<T>.RowsOf(tape.Activations[b], r0, rows),
                    Block<T>.RowsOf(cache.Outputs[0], r0, rows), dz, dx, rows, g, overwrite);
                b--;
            }
            if (b < 0) return;
            {
                var cache = tape.BlockCaches[b];
                var stage = stages[b];
                int dim = stage.Norm.InputDim;
                var dyNorm = scratch.LayerA.AsSpan(0, rows * dim);
                stage.Activation.BackwardRows(theta, Block<T>.RowsOf(cache.Outputs[1], r0, rows),
                    Block<T>.RowsOf(tape.Activations[b + 1], r0, rows), scratch.NetA.AsSpan(0, rows * dim), dyNorm, rows, g, overwrite);
                var sumG = parts.SumG[s].AsSpan(0, dim);
                var sumGH = parts.SumGH[s].AsSpan(0, dim);
                stage.Norm.PartialCotangentSums(dyNorm, rows, stage.NormCache(cache), r0, sumG, sumGH);
                // dγ = Σ dy ⊙ x̂, dβ = Σ dy: the slice's partial sums are its parameter gradients.
                var dGamma = g[stage.Norm.GainIndex].Span;
                var dBeta = g[stage.Norm.BiasIndex].Span;
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
        }
    }
}

/// <summary>A plain block linear → batch norm → row-local activation, its layers typed (layer i writes cache output i).</summary>
internal sealed record BatchNormStage<T>(Linear<T> Linear, BatchNorm<T> Norm, Layer<T> Activation)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The stage a block is, or null when it is anything else.</summary>
    public static BatchNormStage<T>? Of(Block<T> block) =>
        block is PlainBlock<T> { Layers: [Linear<T> linear, BatchNorm<T> norm, var activation] } && activation.RowLocal
            ? new BatchNormStage<T>(linear, norm, activation)
            : null;

    public BatchNorm<T>.Cache NormCache(BlockCache<T> cache) => (BatchNorm<T>.Cache)cache.LayerCaches[1];
}
