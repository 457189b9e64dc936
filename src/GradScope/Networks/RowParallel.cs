using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>
/// The training passes of a network whose layers all map examples independently (plain and residual relu/tanh/selu/
/// linear MLPs): the batch is cut into one slice per thread and each thread takes its slice through the whole
/// network — forward, and backward with its own parameter-gradient buffer — so a step synchronises twice instead of
/// once per product. Slice s always covers the same rows and its gradients are always summed in the same order
/// (slice 0 into the caller's buffer, then slices 1.. added), so results do not depend on thread timing.
/// Layer norm is per example and joins this path; the per-product path remains for batch norm.
/// </summary>
internal sealed partial class RowParallel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A slice gets at least this many rows (smaller batches use fewer threads).</summary>
    internal const int MinRowsPerSlice = 8;
    private const int ReduceChunk = 1 << 14;

    private readonly Network<T> _network;
    private readonly int _maxWidth;
    private readonly (int Index, int Offset, int Length)[] _reduceChunks;
    private readonly int[] _unwritten;

    public RowParallel(Network<T> network)
    {
        _network = network;
        // Every cotangent of the backward pass is the output of some layer (the network input's is never formed).
        _maxWidth = network.Blocks.SelectMany(b => b.Layers).Select(l => l.OutputDim)
            .Append(network.Output.InputDim).Append(network.Output.OutputDim).Max();
        var chunks = new List<(int, int, int)>();
        foreach (var layer in network.Blocks.SelectMany(b => b.Layers).Append(network.Output))
            foreach (int index in layer.RowGradientIndices)
            {
                int length = network.Layout.Entries[index].Length;
                for (int o = 0; o < length; o += ReduceChunk) chunks.Add((index, o, Math.Min(ReduceChunk, length - o)));
            }
        _reduceChunks = chunks.ToArray();
        _unwritten = Enumerable.Range(0, network.Layout.Count).Except(chunks.Select(c => c.Item1)).ToArray();
        var linears = new List<(int, int)>();
        for (int b = 0; b < network.BlockCount; b++)
            for (int i = 0; i < network.Blocks[b].Layers.Count; i++)
                if (network.Blocks[b].Layers[i] is Linear<T>) linears.Add((b, i));
        linears.Add((-1, 0));
        _linears = linears.ToArray();
    }

    /// <summary>Every linear layer as (block, layer), the output layer as (−1, 0): their weights are packed per pass.</summary>
    private readonly (int Block, int Layer)[] _linears;

    /// <summary>
    /// Packs every weight matrix for the coming pass's products once (one pool item per layer) instead of once per slice,
    /// runs the pass, and marks the packings stale afterwards (the optimizer changes the weights before the next pass).
    /// </summary>
    private void RunWithPackedWeights<TWork>(ParameterSet<T> theta, Tape<T> tape, bool backward, int slices, TWork work)
        where TWork : struct, IWorkItem
    {
        bool packed = PackWeights(theta, tape, backward, slices);
        try { Run(slices, work); }
        finally { if (packed) ReleaseWeights(tape); }
    }

    /// <summary>Packs the weights when more than one slice will use them (one slice packs each weight once anyway, inside its
    /// own products); returns whether it did, so the caller releases them after the pass. The backward's W (dx = dy·W, a
    /// row-major right operand) is not packed for float on the AVX-512 tier: its 32-wide panels are read in place (only the
    /// last, partial panel is packed, in each product), which measured 3–7 % faster backward passes at batch 128 and
    /// 1–5 % at batch 1,000 than a packing phase; on the AVX2 tier, with 16-wide panels, packing stays (in place was 0–6 %
    /// slower). Either way the products' bits are the same (docs/bench.md, 2026-12-04).</summary>
    private bool PackWeights(ParameterSet<T> theta, Tape<T> tape, bool backward, int slices)
    {
        if (slices == 1 || (backward && ReadsBackwardWeightsInPlace)) return false;
        Run(_linears.Length, new PackWork(this, theta, tape, backward));
        return true;
    }

    private static bool ReadsBackwardWeightsInPlace => typeof(T) == typeof(float) && GemmTiers.Active == GemmTier.Avx512;

    private void ReleaseWeights(Tape<T> tape)
    {
        foreach (var (b, i) in _linears) Linear<T>.ReleaseWeights(LinearCache(tape, b, i));
    }

    private Linear<T> LinearAt(int block, int layer) => block < 0 ? _network.Output : (Linear<T>)_network.Blocks[block].Layers[layer];

    private static LayerCache<T> LinearCache(Tape<T> tape, int block, int layer) =>
        block < 0 ? tape.OutputCache : tape.BlockCaches[block].LayerCaches[layer];

    private readonly struct PackWork(RowParallel<T> owner, ParameterSet<T> theta, Tape<T> tape, bool backward) : IWorkItem
    {
        public void Invoke(int index)
        {
            var (b, i) = owner._linears[index];
            owner.LinearAt(b, i).PackWeights(theta, LinearCache(tape, b, i), backward);
        }
    }

    /// <summary>
    /// One slice per thread. The slicing depends only on the batch and the pool's size, never on whether the pool is free
    /// right now: the slices fix the order in which gradients are summed, so a busy pool (another thread training at the
    /// same time) must run the same slices inline rather than fewer, or results would depend on timing. Two slices per
    /// thread from batch 512 on (so that a thread held up by another process would cost less than half its share) measured
    /// 3–4 % slower for relu and ≈ 6 % for batch-relu at batch 1,000, best and median step alike, on a quiet and on a
    /// moderately loaded machine (alternating builds): the extra gradient buffer, partial sums and smaller products cost
    /// more than the balancing saves.
    /// </summary>
    internal static int Slices(int batch)
    {
        var pool = WorkerPool.Shared;
        if (pool.Concurrency == 1) return 1;
        return Math.Clamp(batch / MinRowsPerSlice, 1, pool.Concurrency);
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
        RunWithPackedWeights(theta, tape, backward: false, slices, new ForwardWork(network, theta, tape, batch, slices));
    }

    /// <summary>The backward pass by row slices: grads += the gradient, or with <paramref name="overwrite"/> grads = the
    /// gradient (slice 0 then writes its gradients instead of adding them, and <see cref="PrepareBackward"/> zeroes the rest).
    /// </summary>
    public void Backward(Network<T> network, ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads, bool overwrite)
    {
        int batch = tape.BatchSize;
        int slices = Slices(batch);
        PrepareBackward(network, tape, grads, batch, slices, overwrite);
        RunWithPackedWeights(theta, tape, backward: true, slices,
            new BackwardWork(network, theta, tape, grads, batch, slices, overwrite));
        ReduceSliceGradients(tape, grads, slices);
    }

    /// <summary>Where slice <paramref name="s"/> puts its gradients: slice 0 into <paramref name="grads"/> (added to them, or
    /// written over them with <paramref name="overwriteGrads"/>), every other slice over its own buffer, which
    /// <see cref="ReduceSliceGradients"/> adds afterwards.</summary>
    private static (ParameterSet<T> Target, bool Overwrite) SliceGradients(Tape<T> tape, ParameterSet<T> grads, int s,
        bool overwriteGrads) =>
        s == 0 ? (grads, overwriteGrads) : (tape.RowGradients[s]!, true);

    /// <summary>Before a row-sliced backward: per-slice scratch and (for slices after the first) gradient buffers, grown on
    /// demand; and, when the pass overwrites grads, the entries no layer's row backward writes (batch-norm running
    /// statistics) zeroed, so that no stale value is left anywhere.</summary>
    private void PrepareBackward(Network<T> network, Tape<T> tape, ParameterSet<T> grads, int batch, int slices, bool overwrite)
    {
        if (overwrite)
            foreach (int index in _unwritten) grads[index].Clear();
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

    /// <summary>Runs items 0..count−1 on the pool (which runs a single item inline, with the caller's kernel settings).</summary>
    private static void Run<TWork>(int count, TWork work) where TWork : struct, IWorkItem => WorkerPool.Shared.For(count, work);

    private readonly struct ForwardWork(Network<T> network, ParameterSet<T> theta, Tape<T> tape, int batch, int slices) : IWorkItem
    {
        public void Invoke(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            if (rows == 0) return;
            var blocks = network.Blocks;
            for (int b = 0; b < blocks.Count; b++)
                blocks[b].ForwardRows(theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], r0, rows);
            network.Output.ForwardRows(theta, tape.Activations[^1].RowBlock(r0, rows), tape.Logits.RowBlock(r0, rows),
                rows, tape.OutputCache, r0);
        }
    }

    private readonly struct BackwardWork(Network<T> network, ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads,
        int batch, int slices, bool overwriteGrads) : IWorkItem
    {
        public void Invoke(int s)
        {
            var (r0, rows) = SliceRows(batch, slices, s);
            var (g, overwrite) = SliceGradients(tape, grads, s, overwriteGrads);
            var scratch = tape.RowScratch[s];
            var blocks = network.Blocks;
            var output = network.Output;
            Span<T> current = scratch.NetA.AsSpan(0, rows * output.InputDim);
            output.BackwardRows(theta, tape.Activations[^1].RowBlock(r0, rows), tape.Logits.RowBlock(r0, rows),
                tape.LogitsCotangent.RowBlock(r0, rows), current, rows, g, overwrite, tape.OutputCache, r0);
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
        ParameterSet<T>?[] parts, int slices) : IWorkItem
    {
        public void Invoke(int c)
        {
            var (i, o, n) = chunks[c];
            var target = grads[i].Span.Slice(o, n);
            for (int s = 1; s < slices; s++)
                ElementWise.Map(target, parts[s]![i].Span.Slice(o, n), target, default(AddOperator<T>));
        }
    }
}
