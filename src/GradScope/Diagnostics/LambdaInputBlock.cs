using System.Numerics;
using System.Runtime.ExceptionServices;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>
/// The last step of the λ dynamic program (<see cref="ResidualTrick"/>): the first block, whose output groups at the network
/// input are only ever measured (the λ-profile's norms and <see cref="GradientTruncation"/>'s sums). There the cotangents
/// widen from the block's width to the input's (100 → 784 on Fashion-MNIST, 3,072 on CIFAR-10), and holding every group
/// whole took (L + 1)·B·d_in doubles (82 MB at B = 256, 321 MB for CIFAR-10) plus as much again in chunk scratch.
/// <para>
/// Here the block runs back only to its first layer's output (U = the cotangents through θ⁰'s block, V through θ's), all
/// groups at once at the block's width; the first layer's product then goes a few batch rows at a time: for rows R,
/// A_λ = U_λ[R]·W⁰ and F_λ = V_λ[R]·W, combined as <see cref="LambdaStep{T}"/> combines them (g'_0 = A_0,
/// g'_λ = A_λ + (F_{λ−1} − A_{λ−1}), g'_count = F_{count−1} − A_{count−1}), and measured at once: the sums of squares of
/// each group, of their total and of every tail Σ_{λ&gt;d} g'_λ are fed row block after row block, in row order, to
/// accumulators (<see cref="SquareSums"/>) that add exactly as <see cref="DiagMath.SumSquares{T}"/> adds a whole group.
/// Row blocks run on the worker pool; each takes its turn at the accumulators in row order. Every product element is the same chain as in
/// the block's own backward, so the profile and the truncation carry the bits of the unstreamed program (tested).
/// </para>
/// </summary>
internal static class LambdaInputBlock
{
    /// <summary>Whether the streamed step applies: a plain block that starts with a linear layer, in double (the accumulators
    /// replay <see cref="DiagMath.SumSquares{T}"/>'s double loop).</summary>
    public static bool Applies<T>(Block<T> block) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) && block is PlainBlock<T> { Layers.Count: >= 2 } plain && plain.Layers[0] is Linear<T>;

    /// <summary>The λ-profile at the network input (<paramref name="position"/>) and the truncation view of its groups, from the
    /// <paramref name="count"/> groups <paramref name="g"/> at the block's output; the θ and θ⁰ forwards of the block are
    /// in <paramref name="thetaCache"/> and <paramref name="initCache"/>; <paramref name="spare"/> (the program's free stacked
    /// buffer) holds the θ⁰ groups at the first layer's output.</summary>
    public static (LambdaProfile Profile, GradientTruncation Truncation) Compute<T>(PlainBlock<T> block, ParameterSet<T> theta,
        ParameterSet<T> theta0, Matrix<T> x, Matrix<T> thetaOutput, Matrix<T> initOutput, BlockCache<T> thetaCache,
        BlockCache<T> initCache, Matrix<T> g, Matrix<T> spare, int count, int newCount, int batch, int blocks, int position,
        ResidualTrickOptions options, WorkerPool pool, ScratchBag<ChunkScratch<T>> chunkScratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var linear = (Linear<T>)block.Layers[0];
        int width = linear.OutputDim;
        var u = spare.Resize(count * batch, width);
        var v = new Matrix<T>(count * batch, width);
        int maxChunk = Math.Max(1, options.MaxRows / batch);
        int parts = Math.Min(count, (count + maxChunk - 1) / maxChunk);
        pool.For(parts, new ToFirstLayerWork<T>(block, theta, theta0, x, thetaOutput, initOutput, thetaCache, initCache, g, u, v,
            count, parts, batch, chunkScratch));

        int dimIn = x.Cols;
        // Row blocks of R rows whose products (newCount·R × d_in doubles) take ≈ 2 MB: 6 rows at Fashion-MNIST's width and
        // L = 50. One row took as long (the products of one row re-read all of W⁰ and W for 50 output rows).
        int rows = Math.Clamp((1 << 18) / Math.Max(1, newCount * dimIn), 1, batch);
        // W⁰ and W packed once for the products of all row blocks (each reads all of them).
        var packedInit = ((Linear<T>.Cache)initCache.LayerCaches[0]).BackwardWeights;
        var packedTheta = ((Linear<T>.Cache)thetaCache.LayerCaches[0]).BackwardWeights;
        linear.PackWeights(theta0, initCache.LayerCaches[0], backward: true);
        linear.PackWeights(theta, thetaCache.LayerCaches[0], backward: true);
        var stream = new Stream<T>(packedInit, packedTheta, u, v, count, newCount, batch, blocks, rows, dimIn, options.Cancellation);
        try { pool.For((batch + rows - 1) / rows, new StreamWork<T>(stream)); }
        finally
        {
            Linear<T>.ReleaseWeights(initCache.LayerCaches[0]);
            Linear<T>.ReleaseWeights(thetaCache.LayerCaches[0]);
        }

        var squares = stream.GroupSquares.Select(s => s.Total).ToArray();
        var profile = ResidualTrick.ProfileFromSquares(squares, position, blocks);
        var truncation = GradientTruncation.FromSquares(squares, stream.TotalSquares.Total,
            stream.TailSquares.Select(s => s.Total).ToArray(), options.Tau);
        return (profile, truncation);
    }

    /// <summary>Chunk i of the groups back through the block to its first layer's output, with θ into V and θ⁰ into U.</summary>
    private readonly struct ToFirstLayerWork<T>(PlainBlock<T> block, ParameterSet<T> theta, ParameterSet<T> theta0, Matrix<T> x,
        Matrix<T> thetaOutput, Matrix<T> initOutput, BlockCache<T> thetaCache, BlockCache<T> initCache, Matrix<T> g, Matrix<T> u,
        Matrix<T> v, int count, int parts, int batch, ScratchBag<ChunkScratch<T>> bag) : IWorkItem
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index)
        {
            int s = (int)((long)index * count / parts), e = (int)((long)(index + 1) * count / parts);
            using var lease = bag.Take();
            var scratch = lease.Scratch;
            // The chunk's groups are read, and its results written, in place (views of g, v and u: no copies).
            int r0 = s * batch, rows = (e - s) * batch;
            var input = g.RowsView(r0, rows);
            block.BackwardToFirstLayerOutput(theta, x, thetaOutput, scratch.View(thetaCache), input, v.RowsView(r0, rows));
            block.BackwardToFirstLayerOutput(theta0, x, initOutput, scratch.View(initCache), input, u.RowsView(r0, rows));
        }
    }

    private readonly struct StreamWork<T>(Stream<T> stream) : IWorkItem where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index) => stream.Run(index);
    }

    /// <summary>One thread's buffers for a row block: the gathered rows of U and V, A (with room for the top group) and F.</summary>
    private sealed class RowBlockScratch<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Matrix<T> U { get; } = new(0, 0);
        public Matrix<T> V { get; } = new(0, 0);
        public Matrix<T> A { get; } = new(0, 0);
        public Matrix<T> F { get; } = new(0, 0);
        public double[] Total { get; set; } = [];
        public double[] Tail { get; set; } = [];
    }

    /// <summary>The row blocks of the first layer's product and the accumulators they feed in row order.</summary>
    private sealed class Stream<T>(PackedMatrix<T> packedInit, PackedMatrix<T> packedTheta, Matrix<T> u, Matrix<T> v, int count,
        int newCount, int batch, int blocks, int rowsPerBlock, int dimIn, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ScratchBag<RowBlockScratch<T>> _bag = new(() => new RowBlockScratch<T>());
        private int _turn; // the row block whose sums go next

        /// <summary>‖g'_λ‖², λ = 0 … newCount − 1 (groups past the last nonzero one are exactly zero, as the unstreamed program
        /// drops them: their squares add nothing).</summary>
        public SquareSums[] GroupSquares { get; } = Enumerable.Range(0, newCount).Select(_ => new SquareSums()).ToArray();
        public SquareSums TotalSquares { get; } = new();
        /// <summary>‖Σ_{λ&gt;d} g'_λ‖², d = 0 … L.</summary>
        public SquareSums[] TailSquares { get; } = Enumerable.Range(0, blocks + 1).Select(_ => new SquareSums()).ToArray();

        public void Run(int index)
        {
            using var lease = _bag.Take();
            var scratch = lease.Scratch;
            int r0 = index * rowsPerBlock, rows = Math.Min(rowsPerBlock, batch - r0);
            ExceptionDispatchInfo? error = null;
            try { Products(scratch, r0, rows); }
            catch (Exception e) { error = ExceptionDispatchInfo.Capture(e); }
            // Row blocks reach the accumulators in row order: wait for the one before (claimed earlier, so running or done).
            var spinner = new SpinWait();
            while (Volatile.Read(ref _turn) != index) spinner.SpinOnce(sleep1Threshold: -1);
            try { if (error is null) Accumulate(scratch, rows); }
            finally { Volatile.Write(ref _turn, index + 1); }
            error?.Throw();
        }

        /// <summary>g'_λ for rows [r0, r0 + rows) into A: the first layer's products with θ⁰ and θ, combined.</summary>
        private void Products(RowBlockScratch<T> scratch, int r0, int rows)
        {
            cancellation.ThrowIfCancellationRequested();
            int width = u.Cols, segMid = rows * width, seg = rows * dimIn;
            var ur = scratch.U.Resize(count * rows, width);
            var vr = scratch.V.Resize(count * rows, width);
            for (int l = 0; l < count; l++)
            {
                u.Span.Slice((l * batch + r0) * width, segMid).CopyTo(ur.Span.Slice(l * segMid, segMid));
                v.Span.Slice((l * batch + r0) * width, segMid).CopyTo(vr.Span.Slice(l * segMid, segMid));
            }
            var a = scratch.A.Resize(newCount * rows, dimIn).Span;
            var f = scratch.F.Resize(count * rows, dimIn).Span;
            Gemm.Multiply(Op.None, count * rows, dimIn, width, T.One, ur.Span, width, packedInit, T.Zero, a, dimIn);
            Gemm.Multiply(Op.None, count * rows, dimIn, width, T.One, vr.Span, width, packedTheta, T.Zero, f, dimIn);
            // In place from the top down: g'_λ reads A_{λ−1} before it is combined itself.
            int last = (count - 1) * seg;
            if (count < newCount) LambdaStep<T>.Difference(a.Slice(count * seg, seg), f.Slice(last, seg), a.Slice(last, seg));
            for (int l = count - 1; l >= 1; l--)
            {
                var target = a.Slice(l * seg, seg);
                LambdaStep<T>.Combine(target, target, f.Slice((l - 1) * seg, seg), a.Slice((l - 1) * seg, seg));
            }
        }

        /// <summary>The row block's groups, their total and the tails into the accumulators, as <see cref="GradientTruncation.Of{T}"/>
        /// and the λ-profile sum them over whole groups.</summary>
        private void Accumulate(RowBlockScratch<T> scratch, int rows)
        {
            int seg = rows * dimIn;
            var groups = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(scratch.A.Span);
            if (scratch.Total.Length < seg) { scratch.Total = new double[seg]; scratch.Tail = new double[seg]; }
            var total = scratch.Total.AsSpan(0, seg);
            var tail = scratch.Tail.AsSpan(0, seg);
            total.Clear();
            for (int l = 0; l < newCount; l++)
            {
                var group = groups.Slice(l * seg, seg);
                GroupSquares[l].Add(group);
                GradientTruncation.AddTo<double>(total, group);
            }
            TotalSquares.Add(total);
            tail.Clear();
            for (int d = blocks; d >= 0; d--)
            {
                TailSquares[d].Add(tail);
                if (d < newCount) GradientTruncation.AddTo<double>(tail, groups.Slice(d * seg, seg));
            }
        }
    }
}
