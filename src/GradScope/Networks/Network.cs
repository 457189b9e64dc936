using System.Numerics;
using System.Text;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>
/// A zoo network: blocks applied input → output, then the output linear layer and the error layer.
/// Positions are counted from the output side as in the paper (SPEC §1.1): position 0 is the
/// per-example loss vector, position 1 the output of the last block, …, position L the output of the
/// first block; position L + 1 is the network input. The network holds no parameter values:
/// every pass takes a <see cref="ParameterSet{T}"/> and a caller-owned <see cref="Tape{T}"/>.
/// </summary>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Network(ArchitectureSpec spec, ParameterLayout layout, IReadOnlyList<Block<T>> blocks, Linear<T> output)
    {
        Spec = spec;
        Layout = layout;
        Blocks = blocks;
        Output = output;
        Loss = new SoftmaxCrossEntropy<T>(output.OutputDim);
    }

    public ArchitectureSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public IReadOnlyList<Block<T>> Blocks { get; }
    public Linear<T> Output { get; }
    public SoftmaxCrossEntropy<T> Loss { get; }

    /// <summary>L, the number of blocks.</summary>
    public int BlockCount => Blocks.Count;
    public int InputDim => Blocks[0].InputDim;
    public int Classes => Output.OutputDim;
    public bool CouplesExamples => Blocks.Any(b => b.CouplesExamples);

    /// <summary>Builds the network a spec describes (parameters are created separately, see <see cref="Initializer"/>).</summary>
    public static Network<T> Build(ArchitectureSpec spec) => NetworkBuilder.Build<T>(spec);

    public Tape<T> CreateTape() => new(this);

    public ParameterSet<T> CreateParameters() => new(Layout);

    /// <summary>Width of position l (1 for the loss vector).</summary>
    public int PositionWidth(int position) =>
        position == 0 ? 1 : position == BlockCount + 1 ? InputDim : Blocks[BlockIndexOfPosition(position)].OutputDim;

    /// <summary>Index (input side first) of the block whose output is position l, for 1 ≤ l ≤ L.</summary>
    public int BlockIndexOfPosition(int position)
    {
        if (position < 1 || position > BlockCount) throw new ArgumentOutOfRangeException(nameof(position), $"Block positions are 1..{BlockCount}.");
        return BlockCount - position;
    }

    /// <summary>Forward pass up to the logits (no labels needed).</summary>
    public void ForwardLogits(ParameterSet<T> theta, Matrix<T> input, Tape<T> tape, ForwardMode mode)
    {
        if (input.Cols != InputDim) throw new ArgumentException($"The network expects {InputDim} input features, the batch has {input.Cols}.");
        tape.Activations[0] = input;
        if (UsesRowPath)
        {
            RowParallel.Forward(this, theta, input, tape, mode);
            return;
        }
        if (UsesBatchNormRowPath && mode != ForwardMode.Eval)
        {
            RowParallel.ForwardBatchNorm(this, theta, input, tape, mode);
            return;
        }
        for (int b = 0; b < Blocks.Count; b++)
            Blocks[b].Forward(theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], mode);
        Output.Forward(theta, tape.Activations[^1], tape.Logits, tape.OutputCache, mode);
    }

    /// <summary>Full forward pass to the per-example losses (position 0). Returns the mean loss.</summary>
    public double Forward(ParameterSet<T> theta, Matrix<T> input, ReadOnlySpan<int> labels, Tape<T> tape, ForwardMode mode)
    {
        ForwardLogits(theta, input, tape, mode);
        tape.SetLabels(labels, input.Rows);
        Loss.Forward(tape.Logits, tape.Labels, tape.Losses, tape.Probabilities);
        double sum = 0;
        foreach (var v in tape.Losses.Span) sum += double.CreateTruncating(v);
        return sum / input.Rows;
    }

    /// <summary>
    /// One step of back-propagation: maps C stacked cotangents at <paramref name="position"/> to the
    /// cotangents at position + 1 (the input of that block; null when not needed), accumulating
    /// parameter gradients when <paramref name="grads"/> is given.
    /// </summary>
    public void BackwardStep(ParameterSet<T> theta, Tape<T> tape, int position, Matrix<T> cotangent, Matrix<T>? next, ParameterSet<T>? grads)
    {
        if (position == 0)
        {
            Loss.Backward(tape.Probabilities, tape.Labels, cotangent, tape.LogitsCotangent);
            Output.Backward(theta, tape.Activations[^1], tape.Logits, tape.OutputCache, tape.LogitsCotangent, next, grads);
            return;
        }
        int b = BlockIndexOfPosition(position);
        Blocks[b].Backward(theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], cotangent, next, grads);
    }

    /// <summary>Gradient of the mean loss of the last forward pass; grads are accumulated (zero them first).</summary>
    public void Backward(ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads)
    {
        int batch = tape.BatchSize;
        var current = tape.CotangentA.Resize(batch, 1);
        current.Span.Fill(T.One / T.CreateChecked(batch));
        if (UsesRowPath)
        {
            Loss.Backward(tape.Probabilities, tape.Labels, current, tape.LogitsCotangent);
            RowParallel.Backward(this, theta, tape, grads);
            return;
        }
        if (UsesBatchNormRowPath && tape.BlockCaches[0].LayerCaches[1].Mode != ForwardMode.Eval)
        {
            Loss.Backward(tape.Probabilities, tape.Labels, current, tape.LogitsCotangent);
            RowParallel.BackwardBatchNorm(this, theta, tape, grads);
            return;
        }
        for (int position = 0; position <= BlockCount; position++)
        {
            var next = position == BlockCount ? null : (ReferenceEquals(current, tape.CotangentA) ? tape.CotangentB : tape.CotangentA);
            BackwardStep(theta, tape, position, current, next, grads);
            if (next is not null) current = next;
        }
    }

    [ThreadStatic] private static bool t_disableRowParallel;

    /// <summary>Sends <see cref="Forward"/>/<see cref="Backward"/> calls made on this thread through the layer-by-layer
    /// path even when the row-parallel one applies (tests compare the two; benchmarks measure both).</summary>
    internal static bool DisableRowParallel { get => t_disableRowParallel; set => t_disableRowParallel = value; }

    private bool? _rowLocal;

    /// <summary>True when training passes run <see cref="RowParallel{T}"/>: every layer maps examples independently
    /// (no batch norm; layer norm is per example), so each thread can take a slice of the batch through the whole network.</summary>
    internal bool UsesRowPath => !t_disableRowParallel && (_rowLocal ??= Blocks.All(b => b.RowLocal) && Output.RowLocal);

    private bool? _batchNormRows;

    /// <summary>True when batch-statistics training passes run <see cref="RowParallel{T}.ForwardBatchNorm"/>: plain blocks
    /// linear → batch norm → row-local activation (batch-relu, batch-tanh, …), sliced by rows with one pool call per
    /// batch-norm layer to combine the slices' statistics.</summary>
    internal bool UsesBatchNormRowPath => !t_disableRowParallel && (_batchNormRows ??= Output.RowLocal && Blocks.All(b =>
        b is PlainBlock<T> && b.Layers.Count == 3 && b.Layers[0] is Linear<T> && b.Layers[1] is BatchNorm<T> && b.Layers[2].RowLocal));

    private RowParallel<T>? _rowParallel;
    internal RowParallel<T> RowParallel => _rowParallel ??= new RowParallel<T>(this);

    /// <summary>The network printed as its blocks and sizes.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{Spec}  —  {Layout.TrainableCount:N0} trainable parameters");
        for (int b = 0; b < Blocks.Count; b++)
            sb.AppendLine($"  [{BlockCount - b,3}] {Blocks[b].Name}: {Blocks[b].Describe()}");
        sb.AppendLine($"        output: {Output.Describe()} → softmax cross-entropy (position 0)");
        return sb.ToString();
    }

    public override string ToString() => Describe();
}

/// <summary>Everything one forward pass of a <see cref="Network{T}"/> keeps for its backward passes.</summary>
public sealed class Tape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private int[] _labels = [];

    internal Tape(Network<T> network)
    {
        Network = network;
        Activations = new Matrix<T>[network.BlockCount + 1];
        for (int i = 0; i < Activations.Length; i++) Activations[i] = new Matrix<T>(0, 0);
        BlockCaches = network.Blocks.Select(b => b.CreateCache()).ToArray();
        OutputCache = network.Output.CreateCache();
    }

    public Network<T> Network { get; }

    /// <summary>Row-parallel backward state: per-slice scratch, and parameter gradients of slices 1.. (slice 0 adds
    /// straight into the caller's gradients).</summary>
    internal RowScratch<T>[] RowScratch = [];
    internal ParameterSet<T>?[] RowGradients = [];
    /// <summary>Per-slice batch-norm statistics and cotangent sums of the batch-norm row path.</summary>
    internal BatchNormPartials<T>? RowBatchNorm;

    /// <summary>[0] the input batch (the caller's matrix), [b + 1] the output of block b (input side first).</summary>
    public Matrix<T>[] Activations { get; }
    public BlockCache<T>[] BlockCaches { get; }
    public LayerCache<T> OutputCache { get; }
    /// <summary>B × classes.</summary>
    public Matrix<T> Logits { get; } = new(0, 0);
    /// <summary>B × classes softmax of the logits.</summary>
    public Matrix<T> Probabilities { get; } = new(0, 0);
    /// <summary>B × 1 per-example losses, position 0.</summary>
    public Matrix<T> Losses { get; } = new(0, 0);
    public Matrix<T> LogitsCotangent { get; } = new(0, 0);
    public Matrix<T> CotangentA { get; } = new(0, 0);
    public Matrix<T> CotangentB { get; } = new(0, 0);

    public int BatchSize => Activations[0].Rows;
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, BatchSize);

    internal void SetLabels(ReadOnlySpan<int> labels, int batch)
    {
        if (labels.Length < batch) throw new ArgumentException($"{labels.Length} labels for a batch of {batch}.");
        if (_labels.Length < batch) _labels = new int[batch];
        labels[..batch].CopyTo(_labels);
    }

    /// <summary>f_l, the activations at position l (0 = loss vector, L + 1 = input).</summary>
    public Matrix<T> Position(int position)
    {
        int blocks = Network.BlockCount;
        if (position < 0 || position > blocks + 1) throw new ArgumentOutOfRangeException(nameof(position), $"Positions are 0..{blocks + 1}.");
        return position == 0 ? Losses : Activations[blocks - position + 1];
    }
}

/// <summary>
/// The training passes of a network whose layers all map examples independently (plain and residual relu/tanh/selu/
/// linear MLPs): the batch is cut into one slice per thread and each thread takes its slice through the whole
/// network — forward, and backward with its own parameter-gradient buffer — so a step synchronises twice instead of
/// once per product. Slice s always covers the same rows and its gradients are always summed in the same order
/// (slice 0 into the caller's buffer, then slices 1.. added), so results do not depend on thread timing.
/// Layer norm is per example and joins this path; the per-product path remains for batch norm.
/// </summary>
internal sealed class RowParallel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A slice gets at least this many rows (smaller batches use fewer threads).</summary>
    internal const int MinRowsPerSlice = 8;
    private const int ReduceChunk = 1 << 14;

    private readonly Network<T> _network;
    private readonly int _maxWidth;
    private readonly (int Index, int Offset, int Length)[] _reduceChunks;

    public RowParallel(Network<T> network)
    {
        _network = network;
        // Every cotangent of the backward pass is the output of some layer (the network input's is never formed).
        _maxWidth = network.Blocks.SelectMany(b => b.Layers).Select(l => l.OutputDim).Append(network.Output.InputDim).Append(network.Output.OutputDim).Max();
        var chunks = new List<(int, int, int)>();
        foreach (var layer in network.Blocks.SelectMany(b => b.Layers).Append(network.Output))
            foreach (int index in layer.RowGradientIndices)
            {
                int length = network.Layout.Entries[index].Length;
                for (int o = 0; o < length; o += ReduceChunk) chunks.Add((index, o, Math.Min(ReduceChunk, length - o)));
            }
        _reduceChunks = chunks.ToArray();
    }

    /// <summary>From this batch size on, each thread gets two slices to claim: a thread that another process holds
    /// up for a while (a shared machine) then costs the step less than half its share, at the price of one more
    /// gradient buffer to add (≈ 2 % of a step at this size; at batch 128 it would be ≈ 10 %).</summary>
    internal const int SplitFinerFromBatch = 512;

    /// <summary>
    /// The slicing depends only on the batch and the pool's size, never on whether the pool is free right now:
    /// the slices fix the order in which gradients are summed, so a busy pool (another thread training at the
    /// same time) must run the same slices inline rather than fewer, or results would depend on timing.
    /// </summary>
    internal static int Slices(int batch)
    {
        var pool = WorkerPool.Shared;
        if (pool.Concurrency == 1) return 1;
        int perThread = batch >= SplitFinerFromBatch ? 2 : 1;
        return Math.Clamp(batch / MinRowsPerSlice, 1, perThread * pool.Concurrency);
    }

    internal static (int R0, int Rows) SliceRows(int batch, int slices, int s)
    {
        int r0 = (int)((long)batch * s / slices), r1 = (int)((long)batch * (s + 1) / slices);
        return (r0, r1 - r0);
    }

    public void Forward(Network<T> network, ParameterSet<T> theta, Matrix<T> input, Tape<T> tape, ForwardMode mode)
    {
        int batch = input.Rows;
        for (int b = 0; b < network.Blocks.Count; b++)
            network.Blocks[b].PrepareRows(tape.BlockCaches[b], tape.Activations[b + 1], batch, mode);
        tape.OutputCache.Mode = mode;
        tape.Logits.Resize(batch, network.Classes);
        int slices = Slices(batch);
        Run(slices, new ForwardWork(network, theta, tape, batch, slices));
    }

    public void Backward(Network<T> network, ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads)
    {
        int batch = tape.BatchSize;
        int slices = Slices(batch);
        PrepareSliceBuffers(network, tape, batch, slices);
        Run(slices, new BackwardWork(network, theta, tape, grads, batch, slices));
        ReduceSliceGradients(tape, grads, slices);
    }

    /// <summary>Per-slice scratch and (for slices after the first) gradient buffers, grown on demand.</summary>
    private void PrepareSliceBuffers(Network<T> network, Tape<T> tape, int batch, int slices)
    {
        if (tape.RowScratch.Length < slices)
        {
            Array.Resize(ref tape.RowScratch, slices);
            Array.Resize(ref tape.RowGradients, slices);
        }
        for (int s = 0; s < slices; s++)
        {
            (tape.RowScratch[s] ??= new RowScratch<T>()).Ensure(SliceRows(batch, slices, s).Rows * _maxWidth);
            if (s > 0) tape.RowGradients[s] ??= new ParameterSet<T>(network.Layout);
        }
    }

    /// <summary>grads += the gradients of slices 1.., in slice order (slice 0 wrote into grads directly).</summary>
    private void ReduceSliceGradients(Tape<T> tape, ParameterSet<T> grads, int slices)
    {
        if (slices > 1) Run(_reduceChunks.Length, new ReduceWork(_reduceChunks, grads, tape.RowGradients, slices));
    }

    /// <summary>Runs items 0..count−1: inline for one item, else on the pool with the caller's kernel switches.</summary>
    private static void Run<TWork>(int count, TWork work) where TWork : struct, ISliceWork
    {
        if (count == 1) work.Run(0);
        else WorkerPool.Shared.For(count, new WithSettings<TWork>(work, ThreadSettings.Capture()));
    }

    /// <summary>
    /// Forward of a linear → batch norm → activation network (batch statistics) by row slices. Phase p finishes block
    /// p − 1 (normalise with the combined statistics, activation) and starts block p (linear, partial statistics);
    /// between phases the caller combines the slices' statistics in slice order. No barrier inside a pool call, so a
    /// busy pool running the items inline gives the same (bit-identical) result.
    /// </summary>
    public void ForwardBatchNorm(Network<T> network, ParameterSet<T> theta, Matrix<T> input, Tape<T> tape, ForwardMode mode)
    {
        int batch = input.Rows;
        var blocks = network.Blocks;
        for (int b = 0; b < blocks.Count; b++)
        {
            blocks[b].PrepareRows(tape.BlockCaches[b], tape.Activations[b + 1], batch, mode);
            ((BatchNorm<T>.Cache)tape.BlockCaches[b].LayerCaches[1]).Normalized.Resize(batch, blocks[b].OutputDim);
            ((BatchNorm<T>.Cache)tape.BlockCaches[b].LayerCaches[1]).InverseStd.Resize(1, blocks[b].OutputDim);
        }
        tape.OutputCache.Mode = mode;
        tape.Logits.Resize(batch, network.Classes);
        int slices = Slices(batch);
        var parts = tape.RowBatchNorm ??= new BatchNormPartials<T>();
        parts.Ensure(batch, slices, _maxWidth);
        for (int p = 0; p <= blocks.Count; p++)
        {
            Run(slices, new BatchNormForwardWork(parts, network, theta, tape, batch, slices, p));
            if (p < blocks.Count)
            {
                var bn = (BatchNorm<T>)blocks[p].Layers[1];
                bn.CombineStatistics(theta, (BatchNorm<T>.Cache)tape.BlockCaches[p].LayerCaches[1], batch, parts.Counts.AsSpan(0, slices),
                    parts.Means, parts.M2s, parts.Mean);
            }
        }
    }

    /// <summary>Backward counterpart of <see cref="ForwardBatchNorm"/>: phase k finishes block L − k (batch-norm input
    /// gradient from the combined sums, linear) and starts block L − k − 1 (activation, partial Σdy, Σdy⊙x̂).</summary>
    public void BackwardBatchNorm(Network<T> network, ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads)
    {
        int batch = tape.BatchSize;
        int slices = Slices(batch);
        PrepareSliceBuffers(network, tape, batch, slices);
        var parts = tape.RowBatchNorm ??= new BatchNormPartials<T>();
        parts.Ensure(batch, slices, _maxWidth);
        int blocks = network.Blocks.Count;
        for (int k = 0; k <= blocks; k++)
        {
            Run(slices, new BatchNormBackwardWork(parts, network, theta, tape, grads, batch, slices, k));
            if (k < blocks)
            {
                int dim = network.Blocks[blocks - 1 - k].OutputDim;
                var g = parts.TotalG.AsSpan(0, dim); var gh = parts.TotalGH.AsSpan(0, dim);
                g.Clear(); gh.Clear();
                for (int s = 0; s < slices; s++)
                {
                    ElementWise.Map(g, parts.SumG[s].AsSpan(0, dim), g, default(AddOperator<T>));
                    ElementWise.Map(gh, parts.SumGH[s].AsSpan(0, dim), gh, default(AddOperator<T>));
                }
            }
        }
        ReduceSliceGradients(tape, grads, slices);
    }

    private readonly struct BatchNormForwardWork(BatchNormPartials<T> parts, Network<T> network, ParameterSet<T> theta, Tape<T> tape,
        int batch, int slices, int phase) : ISliceWork
    {
        public void Run(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            if (rows == 0) return;
            var blocks = network.Blocks;
            if (phase > 0)
            {
                int b = phase - 1;
                var cache = tape.BlockCaches[b];
                var bn = (BatchNorm<T>)blocks[b].Layers[1];
                bn.NormalizeSlice(theta, Block<T>.RowsOf(cache.Outputs[0], r0, rows), Block<T>.RowsOf(cache.Outputs[1], r0, rows), rows,
                    (BatchNorm<T>.Cache)cache.LayerCaches[1], r0, parts.Mean.AsSpan(0, bn.InputDim));
                blocks[b].Layers[2].ForwardRows(theta, Block<T>.RowsOf(cache.Outputs[1], r0, rows),
                    Block<T>.RowsOf(tape.Activations[b + 1], r0, rows), rows);
            }
            if (phase < blocks.Count)
            {
                var cache = tape.BlockCaches[phase];
                var z = Block<T>.RowsOf(cache.Outputs[0], r0, rows);
                blocks[phase].Layers[0].ForwardRows(theta, Block<T>.RowsOf(tape.Activations[phase], r0, rows), z, rows);
                var bn = (BatchNorm<T>)blocks[phase].Layers[1];
                bn.PartialStatistics(z, rows, parts.Means[s].AsSpan(0, bn.InputDim), parts.M2s[s].AsSpan(0, bn.InputDim));
            }
            else
                network.Output.ForwardRows(theta, Block<T>.RowsOf(tape.Activations[^1], r0, rows), Block<T>.RowsOf(tape.Logits, r0, rows), rows);
        }
    }

    private readonly struct BatchNormBackwardWork(BatchNormPartials<T> parts, Network<T> network, ParameterSet<T> theta, Tape<T> tape,
        ParameterSet<T> grads, int batch, int slices, int phase) : ISliceWork
    {
        // Buffers: NetA holds the cotangent at a block output, LayerA the batch-norm output cotangent, LayerB its input's.
        public void Run(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            var g = s == 0 ? grads : tape.RowGradients[s]!;
            bool overwrite = s != 0;
            var scratch = tape.RowScratch[s];
            var blocks = network.Blocks;
            int b;
            if (phase == 0)
            {
                var output = network.Output;
                output.BackwardRows(theta, Block<T>.RowsOf(tape.Activations[^1], r0, rows), Block<T>.RowsOf(tape.Logits, r0, rows),
                    Block<T>.RowsOf(tape.LogitsCotangent, r0, rows), scratch.NetA.AsSpan(0, rows * output.InputDim), rows, g, overwrite);
                b = blocks.Count - 1;
            }
            else
            {
                b = blocks.Count - phase;
                var cache = tape.BlockCaches[b];
                var bn = (BatchNorm<T>)blocks[b].Layers[1];
                int dim = bn.InputDim;
                var dz = scratch.LayerB.AsSpan(0, rows * dim);
                bn.InputGradientSlice(theta, scratch.LayerA.AsSpan(0, rows * dim), dz, rows, batch, (BatchNorm<T>.Cache)cache.LayerCaches[1], r0,
                    parts.TotalG.AsSpan(0, dim), parts.TotalGH.AsSpan(0, dim));
                Span<T> dx = b == 0 ? default : scratch.NetA.AsSpan(0, rows * blocks[b].InputDim);
                blocks[b].Layers[0].BackwardRows(theta, Block<T>.RowsOf(tape.Activations[b], r0, rows), Block<T>.RowsOf(cache.Outputs[0], r0, rows),
                    dz, dx, rows, g, overwrite);
                b--;
            }
            if (b < 0) return;
            {
                var cache = tape.BlockCaches[b];
                var bn = (BatchNorm<T>)blocks[b].Layers[1];
                int dim = bn.InputDim;
                var dyBn = scratch.LayerA.AsSpan(0, rows * dim);
                blocks[b].Layers[2].BackwardRows(theta, Block<T>.RowsOf(cache.Outputs[1], r0, rows), Block<T>.RowsOf(tape.Activations[b + 1], r0, rows),
                    scratch.NetA.AsSpan(0, rows * dim), dyBn, rows, g, overwrite);
                var sumG = parts.SumG[s].AsSpan(0, dim); var sumGH = parts.SumGH[s].AsSpan(0, dim);
                bn.PartialCotangentSums(dyBn, rows, (BatchNorm<T>.Cache)cache.LayerCaches[1], r0, sumG, sumGH);
                // dγ = Σ dy ⊙ x̂, dβ = Σ dy: the slice's partial sums are its parameter gradients.
                var dGamma = g[bn.GainIndex].Span; var dBeta = g[bn.BiasIndex].Span;
                if (overwrite) { sumGH.CopyTo(dGamma); sumG.CopyTo(dBeta); }
                else
                {
                    ElementWise.Map(dGamma, sumGH, dGamma, default(AddOperator<T>));
                    ElementWise.Map(dBeta, sumG, dBeta, default(AddOperator<T>));
                }
            }
        }
    }

    /// <summary>The per-thread switches of the kernels (fast/scalar paths, tiers), carried from the caller to the workers.</summary>
    private readonly struct ThreadSettings
    {
        private readonly bool _scalar, _gemmSingle;
        private readonly VectorTier? _tier;
        private readonly GemmTier? _gemmTier;

        private ThreadSettings(bool scalar, VectorTier? tier, GemmTier? gemmTier, bool gemmSingle)
        {
            _scalar = scalar; _tier = tier; _gemmTier = gemmTier; _gemmSingle = gemmSingle;
        }

        public static ThreadSettings Capture() =>
            new(ElementWise.ForceScalar, ElementWise.ForceTier, GemmTiers.ForceTier, GemmDispatch.SingleThreaded);

        /// <summary>Applies these settings to the current thread and returns the ones it had.</summary>
        public ThreadSettings Apply()
        {
            var previous = Capture();
            ElementWise.ForceScalar = _scalar; ElementWise.ForceTier = _tier;
            GemmTiers.ForceTier = _gemmTier; GemmDispatch.SingleThreaded = _gemmSingle;
            return previous;
        }
    }

    private readonly struct ForwardWork(Network<T> network, ParameterSet<T> theta, Tape<T> tape, int batch, int slices) : ISliceWork
    {
        public void Run(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            if (rows == 0) return;
            var blocks = network.Blocks;
            for (int b = 0; b < blocks.Count; b++)
                blocks[b].ForwardRows(theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], r0, rows);
            network.Output.ForwardRows(theta, Block<T>.RowsOf(tape.Activations[^1], r0, rows), Block<T>.RowsOf(tape.Logits, r0, rows), rows);
        }
    }

    private readonly struct BackwardWork(Network<T> network, ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads,
        int batch, int slices) : ISliceWork
    {
        public void Run(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            var g = s == 0 ? grads : tape.RowGradients[s]!;
            bool overwrite = s != 0;
            var scratch = tape.RowScratch[s];
            var blocks = network.Blocks;
            var output = network.Output;
            Span<T> current = scratch.NetA.AsSpan(0, rows * output.InputDim);
            output.BackwardRows(theta, Block<T>.RowsOf(tape.Activations[^1], r0, rows), Block<T>.RowsOf(tape.Logits, r0, rows),
                Block<T>.RowsOf(tape.LogitsCotangent, r0, rows), current, rows, g, overwrite);
            for (int b = blocks.Count - 1; b >= 0; b--)
            {
                Span<T> next = b == 0 ? default
                    : (current.Overlaps(scratch.NetA) ? scratch.NetB : scratch.NetA).AsSpan(0, rows * blocks[b].InputDim);
                blocks[b].BackwardRows(theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], current, next,
                    r0, rows, scratch, g, overwrite);
                current = next;
            }
        }
    }

    /// <summary>grads += Σ_{s ≥ 1} (gradients of slice s), chunk by chunk, slices in order.</summary>
    private readonly struct ReduceWork((int Index, int Offset, int Length)[] chunks, ParameterSet<T> grads,
        ParameterSet<T>?[] parts, int slices) : ISliceWork
    {
        public void Run(int c)
        {
            var (i, o, n) = chunks[c];
            var target = grads[i].Span.Slice(o, n);
            for (int s = 1; s < slices; s++)
                ElementWise.Map(target, parts[s]![i].Span.Slice(o, n), target, default(AddOperator<T>));
        }
    }

    /// <summary>One slice's (or chunk's) share of a row-parallel pass.</summary>
    private interface ISliceWork
    {
        void Run(int index);
    }

    /// <summary>Runs a slice's work with the caller's kernel switches (<see cref="ThreadSettings"/>) applied on the pool thread.</summary>
    private readonly struct WithSettings<TWork>(TWork work, ThreadSettings settings) : IWorkItem where TWork : struct, ISliceWork
    {
        public void Invoke(int index)
        {
            var previous = settings.Apply();
            try { work.Run(index); }
            finally { previous.Apply(); }
        }
    }
}

/// <summary>Per-slice partial statistics of the batch-norm row path: counts, double mean and M2 (forward), Σdy and
/// Σdy⊙x̂ (backward), and the combined mean / sums the caller forms between two pool calls.</summary>
internal sealed class BatchNormPartials<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int[] Counts = [];
    public double[][] Means = [], M2s = [];
    public T[][] SumG = [], SumGH = [];
    public T[] Mean = [], TotalG = [], TotalGH = [];

    public void Ensure(int batch, int slices, int dim)
    {
        if (Counts.Length != slices || Mean.Length < dim)
        {
            Counts = new int[slices];
            Means = new double[slices][]; M2s = new double[slices][];
            SumG = new T[slices][]; SumGH = new T[slices][];
            for (int s = 0; s < slices; s++)
            {
                Means[s] = new double[dim]; M2s[s] = new double[dim];
                SumG[s] = new T[dim]; SumGH[s] = new T[dim];
            }
            Mean = new T[dim]; TotalG = new T[dim]; TotalGH = new T[dim];
        }
        for (int s = 0; s < slices; s++) Counts[s] = RowParallel<T>.SliceRows(batch, slices, s).Rows;
    }
}
