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
    /// <summary>x̂ = (x − μ)·s and y = γ·x̂ + β for one row.</summary>
    // Inlined into the row-group loop: as a call, its operator of two floats went over the stack as two 4-byte stores read
    // back by one 8-byte load (a failed store forward), and perf put most of the loop's own samples at the return.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NormalizeRow(ReadOnlySpan<T> x, Span<T> xhat, Span<T> y, T mean, T invStd, ReadOnlySpan<T> gamma,
        ReadOnlySpan<T> beta, VectorTier tier)
    {
        var normalize = new NormalizeScalarOperator<T>(mean, invStd);
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

    /// <summary>x += bias, row by row (the linear layer's bias, left out of its product): <see cref="AddOperator{T}"/>'s
    /// arithmetic, without an element-wise call and a tier lookup per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddBias(Span<T> x, ReadOnlySpan<T> bias, int rows, VectorTier tier)
    {
        int n = bias.Length;
        if (x.Length < rows * n) throw new ArgumentException("Layer-norm operands do not match.");
        ref T bs = ref MemoryMarshal.GetReference(bias);
        for (int r = 0; r < rows; r++)
        {
            ref T xs = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), r * n);
            int j = 0;
            if (tier == VectorTier.Vector512)
                for (; j <= n - Vector512<T>.Count; j += Vector512<T>.Count)
                    (Vector512.LoadUnsafe(ref xs, (nuint)j) + Vector512.LoadUnsafe(ref bs, (nuint)j)).StoreUnsafe(ref xs, (nuint)j);
            if (tier >= VectorTier.Vector256)
                for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
                    (Vector256.LoadUnsafe(ref xs, (nuint)j) + Vector256.LoadUnsafe(ref bs, (nuint)j)).StoreUnsafe(ref xs, (nuint)j);
            for (; j < n; j++) Unsafe.Add(ref xs, j) += Unsafe.Add(ref bs, j); // scalar remainder
        }
    }

    /// <summary>
    /// dx = s·(γ ⊙ dy − (Σ dx̂ + x̂ ⊙ Σ dx̂ ⊙ x̂)/d) for each row (dx̂ = γ ⊙ dy, s = 1/σ of the row): the row sums of
    /// <see cref="RowReductions.ProductSumsRows{T}"/> and per element the arithmetic of <see cref="LayerNormInputGradient{T}"/>,
    /// whose scalar twin takes each row's tail; the tier is looked up once, not twice per row.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InputGradientRows(ReadOnlySpan<T> gamma, ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, ReadOnlySpan<T> invStd, Span<T> dx,
        int rows)
    {
        int dim = InputDim;
        if (dy.Length < rows * dim || xhat.Length < rows * dim || dx.Length < rows * dim || invStd.Length < rows)
            throw new ArgumentException("Layer-norm operands do not match.");
        VectorTier tier = ElementWise.TierFor<T>();
        T invDim = T.One / T.CreateChecked(dim);
        Span<T> sums = stackalloc T[RowReductions.RowGroup];
        Span<T> dots = stackalloc T[RowReductions.RowGroup];
        ref T ga = ref MemoryMarshal.GetReference(gamma);
        for (int r0 = 0; r0 < rows; r0 += RowReductions.RowGroup)
        {
            int group = Math.Min(RowReductions.RowGroup, rows - r0);
            RowReductions.ProductSumsRows(gamma, dy.Slice(r0 * dim, group * dim), xhat.Slice(r0 * dim, group * dim), dim, sums[..group],
                dots[..group]);
            for (int i = 0; i < group; i++)
            {
                int o = (r0 + i) * dim;
                var op = new LayerNormInputGradient<T>(invStd[r0 + i], invDim, sums[i], dots[i]);
                ref T gs = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), o);
                ref T hs = ref Unsafe.Add(ref MemoryMarshal.GetReference(xhat), o);
                ref T ds = ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), o);
                int j = 0;
                if (tier == VectorTier.Vector512)
                    for (; j <= dim - Vector512<T>.Count; j += Vector512<T>.Count)
                    {
                        nuint k = (nuint)j;
                        op.Invoke(Vector512.LoadUnsafe(ref ga, k), Vector512.LoadUnsafe(ref gs, k), Vector512.LoadUnsafe(ref hs, k))
                            .StoreUnsafe(ref ds, k);
                    }
                if (tier >= VectorTier.Vector256)
                    for (; j <= dim - Vector256<T>.Count; j += Vector256<T>.Count)
                    {
                        nuint k = (nuint)j;
                        op.Invoke(Vector256.LoadUnsafe(ref ga, k), Vector256.LoadUnsafe(ref gs, k), Vector256.LoadUnsafe(ref hs, k))
                            .StoreUnsafe(ref ds, k);
                    }
                for (; j < dim; j++) // scalar remainder
                    Unsafe.Add(ref ds, j) = op.Invoke(Unsafe.Add(ref ga, j), Unsafe.Add(ref gs, j), Unsafe.Add(ref hs, j));
            }
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
        // Up to four strips go down the rows together: their sums' dependency chains overlap.
        if (tier == VectorTier.Vector512)
            for (int w = Vector512<T>.Count, strips; (strips = ElementWise.StripsLeft(cols - j, w)) > 0; j += strips * w)
                GradientStrips512(ref gs, ref hs, ref dg, ref db, rows, cols, j, strips);
        if (tier >= VectorTier.Vector256)
        {
            for (int w = Vector256<T>.Count, strips; (strips = ElementWise.StripsLeft(cols - j, w)) > 0; j += strips * w)
                GradientStrips256(ref gs, ref hs, ref dg, ref db, rows, cols, j, strips);
            if (cols - j >= Vector128<T>.Count)
            {
                nuint j0 = (nuint)j;
                var sg = Vector128.LoadUnsafe(ref dg, j0);
                var sb = Vector128.LoadUnsafe(ref db, j0);
                for (int r = 0; r < rows; r++)
                {
                    nuint i = (nuint)(r * cols) + j0;
                    var g = Vector128.LoadUnsafe(ref gs, i);
                    sg += g * Vector128.LoadUnsafe(ref hs, i);
                    sb += g;
                }
                sg.StoreUnsafe(ref dg, j0);
                sb.StoreUnsafe(ref db, j0);
                j += Vector128<T>.Count;
            }
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
    private static void GradientStrips512(ref T gs, ref T hs, ref T dg, ref T db, int rows, int cols, int j, int strips)
    {
        nuint w = (nuint)Vector512<T>.Count, j0 = (nuint)j;
        var g0 = Vector512.LoadUnsafe(ref dg, j0);
        var b0 = Vector512.LoadUnsafe(ref db, j0);
        var g1 = strips > 1 ? Vector512.LoadUnsafe(ref dg, j0 + w) : default;
        var b1 = strips > 1 ? Vector512.LoadUnsafe(ref db, j0 + w) : default;
        var g2 = strips > 2 ? Vector512.LoadUnsafe(ref dg, j0 + 2 * w) : default;
        var b2 = strips > 2 ? Vector512.LoadUnsafe(ref db, j0 + 2 * w) : default;
        var g3 = strips > 2 ? Vector512.LoadUnsafe(ref dg, j0 + 3 * w) : default;
        var b3 = strips > 2 ? Vector512.LoadUnsafe(ref db, j0 + 3 * w) : default;
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols) + j0;
            var d = Vector512.LoadUnsafe(ref gs, o);
            g0 += d * Vector512.LoadUnsafe(ref hs, o);
            b0 += d;
            if (strips > 1)
            {
                d = Vector512.LoadUnsafe(ref gs, o + w);
                g1 += d * Vector512.LoadUnsafe(ref hs, o + w);
                b1 += d;
            }
            if (strips > 2)
            {
                d = Vector512.LoadUnsafe(ref gs, o + 2 * w);
                g2 += d * Vector512.LoadUnsafe(ref hs, o + 2 * w);
                b2 += d;
                d = Vector512.LoadUnsafe(ref gs, o + 3 * w);
                g3 += d * Vector512.LoadUnsafe(ref hs, o + 3 * w);
                b3 += d;
            }
        }
        g0.StoreUnsafe(ref dg, j0);
        b0.StoreUnsafe(ref db, j0);
        if (strips > 1)
        {
            g1.StoreUnsafe(ref dg, j0 + w);
            b1.StoreUnsafe(ref db, j0 + w);
        }
        if (strips > 2)
        {
            g2.StoreUnsafe(ref dg, j0 + 2 * w);
            b2.StoreUnsafe(ref db, j0 + 2 * w);
            g3.StoreUnsafe(ref dg, j0 + 3 * w);
            b3.StoreUnsafe(ref db, j0 + 3 * w);
        }
    }

    private static void GradientStrips256(ref T gs, ref T hs, ref T dg, ref T db, int rows, int cols, int j, int strips)
    {
        nuint w = (nuint)Vector256<T>.Count, j0 = (nuint)j;
        var g0 = Vector256.LoadUnsafe(ref dg, j0);
        var b0 = Vector256.LoadUnsafe(ref db, j0);
        var g1 = strips > 1 ? Vector256.LoadUnsafe(ref dg, j0 + w) : default;
        var b1 = strips > 1 ? Vector256.LoadUnsafe(ref db, j0 + w) : default;
        var g2 = strips > 2 ? Vector256.LoadUnsafe(ref dg, j0 + 2 * w) : default;
        var b2 = strips > 2 ? Vector256.LoadUnsafe(ref db, j0 + 2 * w) : default;
        var g3 = strips > 2 ? Vector256.LoadUnsafe(ref dg, j0 + 3 * w) : default;
        var b3 = strips > 2 ? Vector256.LoadUnsafe(ref db, j0 + 3 * w) : default;
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols) + j0;
            var d = Vector256.LoadUnsafe(ref gs, o);
            g0 += d * Vector256.LoadUnsafe(ref hs, o);
            b0 += d;
            if (strips > 1)
            {
                d = Vector256.LoadUnsafe(ref gs, o + w);
                g1 += d * Vector256.LoadUnsafe(ref hs, o + w);
                b1 += d;
            }
            if (strips > 2)
            {
                d = Vector256.LoadUnsafe(ref gs, o + 2 * w);
                g2 += d * Vector256.LoadUnsafe(ref hs, o + 2 * w);
                b2 += d;
                d = Vector256.LoadUnsafe(ref gs, o + 3 * w);
                g3 += d * Vector256.LoadUnsafe(ref hs, o + 3 * w);
                b3 += d;
            }
        }
        g0.StoreUnsafe(ref dg, j0);
        b0.StoreUnsafe(ref db, j0);
        if (strips > 1)
        {
            g1.StoreUnsafe(ref dg, j0 + w);
            b1.StoreUnsafe(ref db, j0 + w);
        }
        if (strips > 2)
        {
            g2.StoreUnsafe(ref dg, j0 + 2 * w);
            b2.StoreUnsafe(ref db, j0 + 2 * w);
            g3.StoreUnsafe(ref dg, j0 + 3 * w);
            b3.StoreUnsafe(ref db, j0 + 3 * w);
        }
    }
}
