using System.Numerics;
using System.Runtime.CompilerServices;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>The matrices one thread of the λ dynamic program works in: the chunk's input groups, the two VJPs, and the
/// block scratch that its views of the shared θ and θ⁰ caches write (one set, used by one backward at a time).</summary>
internal sealed class ChunkScratch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Matrix<T> Input { get; } = new(0, 0);
    public Matrix<T> WithTheta { get; } = new(0, 0);
    public Matrix<T> WithInit { get; } = new(0, 0);
    public Matrix<T> ScratchA { get; } = new(0, 0);
    public Matrix<T> ScratchB { get; } = new(0, 0);
    public Matrix<T> Weighted { get; } = new(0, 0);

    /// <summary>A view of <paramref name="forward"/>'s forward data that writes this scratch.</summary>
    public BlockCache<T> View(BlockCache<T> forward) => new(forward, ScratchA, ScratchB, Weighted);
}

/// <summary>
/// One block of the λ dynamic program (<see cref="ResidualTrick"/>): output groups λ ∈ [s, s + c) of chunk s / c are
/// g'_λ = J_iᵀ g_λ + (J_θᵀ g_{λ−1} − J_iᵀ g_{λ−1}), from J_iᵀ on the input groups [s − 1, s + c) and J_θᵀ on the prefix
/// [s − 1, s + c − 1) of the same rows; chunk i of <c>parts</c> has s = ⌊i · newCount / parts⌋. Chunks read <c>g</c> and
/// the block's forward data and write disjoint groups of <c>next</c>, so any number of them can run at once, each with
/// scratch taken from a shared bag.
/// </summary>
internal sealed class LambdaStep<T>(Block<T> block, ParameterSet<T> theta, ParameterSet<T> theta0, Matrix<T> x, Matrix<T> thetaOutput,
    Matrix<T> initOutput, BlockCache<T> thetaCache, BlockCache<T> initCache, Matrix<T> g, Matrix<T> next, int count, int newCount,
    int parts, int batch, ScratchBag<ChunkScratch<T>> bag) where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Run(int index)
    {
        using var scratch = bag.Take();
        int s = (int)((long)index * newCount / parts), end = (int)((long)(index + 1) * newCount / parts);
        Chunk(s, end - s, scratch.Scratch);
    }

    private void Chunk(int s, int c, ChunkScratch<T> scratch)
    {
        int dimIn = x.Cols, dimOut = thetaOutput.Cols;
        int segIn = batch * dimIn, segOut = batch * dimOut;
        int first = Math.Max(s - 1, 0);
        int initEnd = Math.Min(s + c, count), thetaEnd = Math.Min(s + c - 1, count);
        var input = scratch.Input;
        input.Resize((initEnd - first) * batch, dimOut);
        g.Span.Slice(first * segOut, (initEnd - first) * segOut).CopyTo(input.Span);
        if (thetaEnd > first)
        {
            input.Resize((thetaEnd - first) * batch, dimOut);
            block.Backward(theta, x, thetaOutput, scratch.View(thetaCache), input, scratch.WithTheta, null);
            input.Resize((initEnd - first) * batch, dimOut);
        }
        block.Backward(theta0, x, initOutput, scratch.View(initCache), input, scratch.WithInit, null);
        var a = scratch.WithInit.Span; var full = scratch.WithTheta.Span; var dst = next.Span;
        for (int lambda = s; lambda < s + c; lambda++)
        {
            var target = dst.Slice(lambda * segIn, segIn);
            int at = (lambda - first) * segIn, below = (lambda - 1 - first) * segIn;
            if (lambda == 0) a.Slice(at, segIn).CopyTo(target);
            else if (lambda < count) Combine(target, a.Slice(at, segIn), full.Slice(below, segIn), a.Slice(below, segIn));
            else Difference(target, full.Slice(below, segIn), a.Slice(below, segIn));
        }
    }

    /// <summary>target = a + (b − c).</summary>
    // Optimised from the first call: a command-line run calls each diagnostic once, before tiered compilation would.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine(Span<T> target, ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c)
    {
        int w = Vector<T>.Count, i = 0;
        for (; i <= target.Length - w; i += w)
            (new Vector<T>(a.Slice(i, w)) + (new Vector<T>(b.Slice(i, w)) - new Vector<T>(c.Slice(i, w)))).CopyTo(target.Slice(i, w));
        for (; i < target.Length; i++) target[i] = a[i] + (b[i] - c[i]);
    }

    /// <summary>target = b − c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Difference(Span<T> target, ReadOnlySpan<T> b, ReadOnlySpan<T> c)
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
