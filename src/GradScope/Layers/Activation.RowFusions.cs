using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// The row passes of an activation fused with the element-wise work around it in the row-parallel step: the bias of the linear
/// layer before it and a residual unit's sum in the forward, the residual weight and that bias's gradient in the backward. Each
/// element takes exactly the operations of the separate passes in the same order, so the results are bit-identical to them (and
/// across tiers: no sum runs across lanes); with the scalar tier, or an f without vector twin, the scalar loops run alone.
/// </summary>
public sealed partial class Activation<T, TOp>
{
    internal override bool FusesBias => true;

    /// <summary>
    /// The epilogue of a linear layer, row by row: z += bias (when given), y = f(z), and for the last activation of a residual
    /// branch also <paramref name="sum"/> = <paramref name="skip"/> + w·y (the unit's output) — one pass instead of three.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void ForwardRowsWithBias(ReadOnlySpan<T> bias, Span<T> z, Span<T> y, int rows, ReadOnlySpan<T> skip, T weight,
        Span<T> sum)
    {
        int n = rows * InputDim;
        bool residual = !sum.IsEmpty, hasBias = !bias.IsEmpty;
        if (z.Length < n || y.Length < n || (hasBias && bias.Length != InputDim) || (residual && (skip.Length < n || sum.Length < n)))
            throw new ArgumentException("Fused forward operands do not match.");
        VectorTier tier = TOp.VectorizedApply ? ElementWise.TierFor<T>() : VectorTier.Scalar;
        int cols = InputDim;
        ref T br = ref MemoryMarshal.GetReference(bias);
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols);
            ref T zr = ref Unsafe.Add(ref MemoryMarshal.GetReference(z), o);
            ref T yr = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), o);
            ref T xr = ref residual ? ref Unsafe.Add(ref MemoryMarshal.GetReference(skip), o) : ref yr;
            ref T sr = ref residual ? ref Unsafe.Add(ref MemoryMarshal.GetReference(sum), o) : ref yr;
            int j = 0;
            if (tier == VectorTier.Vector512)
                for (; j <= cols - Vector512<T>.Count; j += Vector512<T>.Count)
                {
                    nuint i = (nuint)j;
                    var v = Vector512.LoadUnsafe(ref zr, i);
                    if (hasBias)
                    {
                        v += Vector512.LoadUnsafe(ref br, i);
                        v.StoreUnsafe(ref zr, i);
                    }
                    var a = TOp.Apply(v);
                    a.StoreUnsafe(ref yr, i);
                    if (residual) (Vector512.LoadUnsafe(ref xr, i) + Vector512.Create(weight) * a).StoreUnsafe(ref sr, i);
                }
            if (tier >= VectorTier.Vector256)
                for (; j <= cols - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    nuint i = (nuint)j;
                    var v = Vector256.LoadUnsafe(ref zr, i);
                    if (hasBias)
                    {
                        v += Vector256.LoadUnsafe(ref br, i);
                        v.StoreUnsafe(ref zr, i);
                    }
                    var a = TOp.Apply(v);
                    a.StoreUnsafe(ref yr, i);
                    if (residual) (Vector256.LoadUnsafe(ref xr, i) + Vector256.Create(weight) * a).StoreUnsafe(ref sr, i);
                }
            for (; j < cols; j++) // scalar remainder, and the whole row at the scalar tier
            {
                T v = Unsafe.Add(ref zr, j);
                if (hasBias) Unsafe.Add(ref zr, j) = v += Unsafe.Add(ref br, j);
                T a = Unsafe.Add(ref yr, j) = TOp.Apply(v);
                if (residual) Unsafe.Add(ref sr, j) = Unsafe.Add(ref xr, j) + weight * a;
            }
        }
    }

    /// <summary>
    /// The backward of one cotangent that a residual unit weights by <paramref name="scale"/> (1 elsewhere), dx = (scale·dy) ⊙ f′,
    /// with Σ_rows dx added to <paramref name="biasGradient"/> in row order (the gradient of the preceding linear layer's bias):
    /// one pass instead of the scale pass, the backward and the column sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void BackwardRowsWithBiasGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows,
        T scale, Span<T> biasGradient)
    {
        int cols = InputDim, n = rows * cols;
        if (x.Length < n || y.Length < n || dy.Length < n || dx.Length < n || biasGradient.Length != cols)
            throw new ArgumentException("Fused backward operands do not match.");
        // f′ from the output alone reads one stream of the tape instead of two (relu).
        ReadOnlySpan<T> z = TOp.DerivativeFromOutput ? y : x;
        VectorTier tier = TOp.VectorizedDerivative ? ElementWise.TierFor<T>() : VectorTier.Scalar;
        ref T sg = ref MemoryMarshal.GetReference(biasGradient);
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols);
            ref T zr = ref Unsafe.Add(ref MemoryMarshal.GetReference(z), o);
            ref T yr = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), o);
            ref T gr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), o);
            ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), o);
            int j = 0;
            if (tier == VectorTier.Vector512)
                for (; j <= cols - Vector512<T>.Count; j += Vector512<T>.Count)
                {
                    nuint i = (nuint)j;
                    var d = Vector512.Create(scale) * Vector512.LoadUnsafe(ref gr, i)
                            * TOp.Derivative(Vector512.LoadUnsafe(ref zr, i), Vector512.LoadUnsafe(ref yr, i));
                    d.StoreUnsafe(ref dr, i);
                    (Vector512.LoadUnsafe(ref sg, i) + d).StoreUnsafe(ref sg, i);
                }
            if (tier >= VectorTier.Vector256)
                for (; j <= cols - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    nuint i = (nuint)j;
                    var d = Vector256.Create(scale) * Vector256.LoadUnsafe(ref gr, i)
                            * TOp.Derivative(Vector256.LoadUnsafe(ref zr, i), Vector256.LoadUnsafe(ref yr, i));
                    d.StoreUnsafe(ref dr, i);
                    (Vector256.LoadUnsafe(ref sg, i) + d).StoreUnsafe(ref sg, i);
                }
            for (; j < cols; j++) // scalar remainder, and the whole row at the scalar tier
            {
                T d = scale * Unsafe.Add(ref gr, j) * TOp.Derivative(Unsafe.Add(ref zr, j), Unsafe.Add(ref yr, j));
                Unsafe.Add(ref dr, j) = d;
                Unsafe.Add(ref sg, j) += d;
            }
        }
    }
}
