using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// Layer norm's element-wise row loops, each one pass where the element-wise drivers took two calls per row (a 100-wide row
/// costs about as much in per-call work as in arithmetic). Per element they do the operators' arithmetic in the same order,
/// with the operators' scalar twins in each row's tail and, at the scalar tier, everywhere, so every tier gives the same bits.
/// </summary>
public sealed partial class LayerNorm<T>
{
    /// <summary>x̂ = (x − μ)·s (<paramref name="normalize"/>) and y = γ·x̂ + β for one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NormalizeRow(ReadOnlySpan<T> x, Span<T> xhat, Span<T> y, NormalizeScalarOperator<T> normalize,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, VectorTier tier)
    {
        int n = x.Length;
        if (xhat.Length != n || y.Length != n || gamma.Length != n || beta.Length != n)
            throw new ArgumentException("Layer-norm operands do not match.");
        var affine = default(AffineOperator<T>);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T hs = ref MemoryMarshal.GetReference(xhat);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T ga = ref MemoryMarshal.GetReference(gamma);
        ref T be = ref MemoryMarshal.GetReference(beta);
        int j = 0;
        if (tier == VectorTier.Vector512)
            for (; j <= n - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                nuint i = (nuint)j;
                var h = normalize.Invoke(Vector512.LoadUnsafe(ref xs, i));
                h.StoreUnsafe(ref hs, i);
                affine.Invoke(h, Vector512.LoadUnsafe(ref ga, i), Vector512.LoadUnsafe(ref be, i)).StoreUnsafe(ref ys, i);
            }
        if (tier >= VectorTier.Vector256)
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                nuint i = (nuint)j;
                var h = normalize.Invoke(Vector256.LoadUnsafe(ref xs, i));
                h.StoreUnsafe(ref hs, i);
                affine.Invoke(h, Vector256.LoadUnsafe(ref ga, i), Vector256.LoadUnsafe(ref be, i)).StoreUnsafe(ref ys, i);
            }
        for (; j < n; j++) // scalar remainder
        {
            T h = Unsafe.Add(ref hs, j) = normalize.Invoke(Unsafe.Add(ref xs, j));
            Unsafe.Add(ref ys, j) = affine.Invoke(h, Unsafe.Add(ref ga, j), Unsafe.Add(ref be, j));
        }
    }

    /// <summary>
    /// dγ += Σ_rows dy ⊙ x̂ and dβ += Σ_rows dy (written over when <paramref name="overwrite"/>), rows added in order: per element
    /// the arithmetic of <see cref="MultiplyAddOperator{T}"/> and <see cref="AddOperator{T}"/> row after row, in one pass over
    /// column strips whose sums stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddParameterGradients(ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, int rows, ParameterSet<T> grads, bool overwrite)
    {
        int cols = InputDim;
        if (dy.Length < rows * cols || xhat.Length < rows * cols) throw new ArgumentException("Layer-norm operands do not match.");
        var dGamma = grads[GainIndex].Span;
        var dBeta = grads[BiasIndex].Span;
        if (overwrite)
        {
            dGamma.Clear();
            dBeta.Clear();
        }
        VectorTier tier = ElementWise.TierFor<T>();
        ref T gs = ref MemoryMarshal.GetReference(dy);
        ref T hs = ref MemoryMarshal.GetReference(xhat);
        ref T dg = ref MemoryMarshal.GetReference(dGamma);
        ref T db = ref MemoryMarshal.GetReference(dBeta);
        int j = 0;
        if (tier == VectorTier.Vector512)
            for (; j <= cols - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                var sg = Vector512.LoadUnsafe(ref dg, (nuint)j);
                var sb = Vector512.LoadUnsafe(ref db, (nuint)j);
                for (int r = 0; r < rows; r++)
                {
                    nuint i = (nuint)(r * cols + j);
                    var g = Vector512.LoadUnsafe(ref gs, i);
                    sg += g * Vector512.LoadUnsafe(ref hs, i);
                    sb += g;
                }
                sg.StoreUnsafe(ref dg, (nuint)j);
                sb.StoreUnsafe(ref db, (nuint)j);
            }
        if (tier >= VectorTier.Vector256)
            for (; j <= cols - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                var sg = Vector256.LoadUnsafe(ref dg, (nuint)j);
                var sb = Vector256.LoadUnsafe(ref db, (nuint)j);
                for (int r = 0; r < rows; r++)
                {
                    nuint i = (nuint)(r * cols + j);
                    var g = Vector256.LoadUnsafe(ref gs, i);
                    sg += g * Vector256.LoadUnsafe(ref hs, i);
                    sb += g;
                }
                sg.StoreUnsafe(ref dg, (nuint)j);
                sb.StoreUnsafe(ref db, (nuint)j);
            }
        for (; j < cols; j++) // scalar remainder
        {
            T sg = Unsafe.Add(ref dg, j), sb = Unsafe.Add(ref db, j);
            for (int r = 0; r < rows; r++)
            {
                T g = Unsafe.Add(ref gs, r * cols + j);
                sg += g * Unsafe.Add(ref hs, r * cols + j);
                sb += g;
            }
            Unsafe.Add(ref dg, j) = sg;
            Unsafe.Add(ref db, j) = sb;
        }
    }
}
