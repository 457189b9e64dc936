using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// The forward row pass of an activation fused with the element-wise work around it in the row-parallel step: the bias of the
/// linear layer before it and, in the batch-norm row program, a residual unit's sum. Each element takes exactly the operations
/// of the separate passes in the same order, so the results are bit-identical to them (and across tiers); with the scalar tier,
/// or an f without vector twin, the scalar loops run alone.
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
            if (tier >= VectorTier.Vector256 && TOp.ExactVectorApply && cols - j >= Vector128<T>.Count)
            {
                // A 4-float tail (width 100) in the lower half of a 256-bit vector: the scalar f of relu is a branch that
                // the random signs of z mispredict, two or three times a row. Only where the vector f has the scalar's bits.
                nuint i = (nuint)j;
                var v = Vector128.LoadUnsafe(ref zr, i).ToVector256();
                if (hasBias)
                {
                    v += Vector128.LoadUnsafe(ref br, i).ToVector256();
                    v.GetLower().StoreUnsafe(ref zr, i);
                }
                var a = TOp.Apply(v);
                a.GetLower().StoreUnsafe(ref yr, i);
                if (residual) (Vector128.LoadUnsafe(ref xr, i) + Vector128.Create(weight) * a.GetLower()).StoreUnsafe(ref sr, i);
                j += Vector128<T>.Count;
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

    /// <summary>Only when f′ follows from the output (the batch norm's output, this layer's input, is then never read back)
    /// and the vector f has the scalar's bits (the per-row split of this pass gives the separate passes' results).</summary>
    internal override bool FusesAfterNormalize => !BackwardReadsInput && TOp.ExactVectorApply;

    internal override bool BackwardReadsInput => !TOp.DerivativeFromOutput;

    /// <summary>The normalisation pass of a batch norm with this activation (and a residual unit's sum) after it:
    /// <see cref="BatchNorm{T}.NormalizeRows{TOp}"/> with this f, without writing γ·x̂ + β.</summary>
    internal override void ForwardRowsAfterNormalize(ReadOnlySpan<T> x, Span<T> xhat, Span<T> y, int rows, in NormalizeRowArgs<T> norm,
        ReadOnlySpan<T> skip, T weight, Span<T> sum)
    {
        if (!FusesAfterNormalize || norm.Mean.Length != InputDim) throw new ArgumentException("Fused normalisation operands do not match.");
        BatchNorm<T>.NormalizeRows<TOp>(x, xhat, y, rows, norm, skip, weight, sum);
    }
}
