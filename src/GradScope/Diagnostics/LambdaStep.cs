using System.Numerics;
using System.Runtime.CompilerServices;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>The matrices one thread of the λ dynamic program works in: the two VJPs of the chunk's groups, and the
/// block scratch that its views of the shared θ and θ⁰ caches write (one set, used by one backward at a time).</summary>
internal sealed class ChunkScratch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Matrix<T> WithTheta { get; } = new(0, 0);
    public Matrix<T> WithInit { get; } = new(0, 0);
    public Matrix<T> ScratchA { get; } = new(0, 0);
    public Matrix<T> ScratchB { get; } = new(0, 0);
    public Matrix<T> Weighted { get; } = new(0, 0);

    /// <summary>Grows every matrix to <paramref name="rows"/> × <paramref name="cols"/> once: the chunks grow from one group
    /// to their largest as λ grows, and a matrix that grew at each size would take fresh pages (page faults) every time.</summary>
    public ChunkScratch<T> Reserve(int rows, int cols)
    {
        foreach (var m in new[] { WithTheta, WithInit, ScratchA, ScratchB, Weighted }) m.Resize(rows, cols);
        return this;
    }

    /// <summary>A view of <paramref name="forward"/>'s forward data that writes this scratch.</summary>
    public BlockCache<T> View(BlockCache<T> forward) => new(forward, ScratchA, ScratchB, Weighted);
}

/// <summary>
/// One block of the λ dynamic program (<see cref="ResidualTrick"/>): g'_λ = J_iᵀ g_λ + (J_θᵀ g_{λ−1} − J_iᵀ g_{λ−1}). The
/// input groups [0, count) are split into <c>parts</c> chunks, chunk i taking [⌊i · count / parts⌋, ⌊(i + 1) · count / parts⌋),
/// and each chunk runs J_iᵀ and J_θᵀ on its own groups only. A chunk [s, e) writes the output groups it can finish,
/// g'_λ for s &lt; λ &lt; e, writes J_iᵀ g_s into g'_s, and leaves its last residual term J_θᵀ g_{e−1} − J_iᵀ g_{e−1} in
/// its carry (or in g'_count when it is the last chunk); <see cref="AddCarries"/> then adds each carry into the first group of
/// the next chunk. Each output element is the same expression of the same operands whichever chunk computes it, so neither the
/// chunking nor the thread changes a bit. Chunks read <c>g</c> and the block's forward data and write disjoint groups of
/// <c>next</c> and their own carry, so any number of them can run at once, each with scratch taken from a shared bag.
/// </summary>
internal sealed class LambdaStep<T>(Block<T> block, ParameterSet<T> theta, ParameterSet<T> theta0, Matrix<T> x, Matrix<T> thetaOutput,
    Matrix<T> initOutput, BlockCache<T> thetaCache, BlockCache<T> initCache, Matrix<T> g, Matrix<T> next, Matrix<T> carries, int count,
    int newCount, int parts, int batch, ScratchBag<ChunkScratch<T>> bag) where T : unmanaged, IFloatingPointIeee754<T>
{
    private int Start(int index) => (int)((long)index * count / parts);

    public void Run(int index)
    {
        using var scratch = bag.Take();
        Chunk(index, Start(index), Start(index + 1), scratch.Scratch);
    }

    /// <summary>Adds each chunk's carry into the first output group of the chunk after it (after every chunk has run).</summary>
    public void AddCarries()
    {
        int segIn = batch * x.Cols;
        for (int index = 1; index < parts; index++)
        {
            // target + d rounds as Combine's a + (b − c) when d = b − c was rounded first.
            var target = next.Span.Slice(Start(index) * segIn, segIn);
            ElementWise.Map(target, carries.Span.Slice((index - 1) * segIn, segIn), target, default(AddOperator<T>));
        }
    }

    private void Chunk(int index, int s, int e, ChunkScratch<T> scratch)
    {
        int segIn = batch * x.Cols;
        // The chunk's groups read in place (both backward calls only read their cotangent).
        var input = g.RowsView(s * batch, (e - s) * batch);
        block.Backward(theta, x, thetaOutput, scratch.View(thetaCache), input, scratch.WithTheta, null);
        block.Backward(theta0, x, initOutput, scratch.View(initCache), input, scratch.WithInit, null);
        var a = scratch.WithInit.Span; var full = scratch.WithTheta.Span; var dst = next.Span;
        a.Slice(0, segIn).CopyTo(dst.Slice(s * segIn, segIn));
        for (int lambda = s + 1; lambda < e; lambda++)
        {
            int at = (lambda - s) * segIn, below = (lambda - 1 - s) * segIn;
            Combine(dst.Slice(lambda * segIn, segIn), a.Slice(at, segIn), full.Slice(below, segIn), a.Slice(below, segIn));
        }
        int last = (e - 1 - s) * segIn;
        if (e < count) Difference(carries.Span.Slice(index * segIn, segIn), full.Slice(last, segIn), a.Slice(last, segIn));
        else if (count < newCount) Difference(dst.Slice(count * segIn, segIn), full.Slice(last, segIn), a.Slice(last, segIn));
    }

    /// <summary>target = a + (b − c).</summary>
    // Optimised from the first call: a command-line run calls each diagnostic once, before tiered compilation would.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Combine(Span<T> target, ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c)
    {
        int w = Vector<T>.Count, i = 0;
        for (; i <= target.Length - w; i += w)
            (new Vector<T>(a.Slice(i, w)) + (new Vector<T>(b.Slice(i, w)) - new Vector<T>(c.Slice(i, w)))).CopyTo(target.Slice(i, w));
        for (; i < target.Length; i++) target[i] = a[i] + (b[i] - c[i]);
    }

    /// <summary>target = b − c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Difference(Span<T> target, ReadOnlySpan<T> b, ReadOnlySpan<T> c)
    {
        int w = Vector<T>.Count, i = 0;
        for (; i <= target.Length - w; i += w) (new Vector<T>(b.Slice(i, w)) - new Vector<T>(c.Slice(i, w))).CopyTo(target.Slice(i, w));
        for (; i < target.Length; i++) target[i] = b[i] - c[i];
    }
}

internal readonly struct LambdaChunkWork<T>(LambdaStep<T> step) : IWorkItem where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Invoke(int index) => step.Run(index);
}
