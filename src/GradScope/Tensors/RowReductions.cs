using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>
/// Sums along one row (layer norm's per-example statistics and cotangent sums) in a fixed order that every tier
/// shares: <see cref="Lanes"/> partial sums, lane k taking elements j ≡ k (mod 16) of the whole 16-element blocks
/// in increasing j, then the lanes added in order 0…15, then the remaining n mod 16 elements in order. A Vector512
/// tier holds the lanes in one or two registers, a Vector256 tier in two or four, the scalar twin
/// (<see cref="RowReductionsReference"/>) in an array — so all three give bit-identical sums (the partial-sum idea
/// of TensorPrimitives' Sum, with the lane count fixed instead of following the vector width).
/// Products are unfused (two roundings), as in the scalar twin.
/// </summary>
internal static class RowReductions
{
    public const int Lanes = 16;

    /// <summary>Rows whose lane sums are added together (<see cref="SumsWidened"/> and the other row-block forms): the final
    /// in-order additions of one row are a chain of dependent adds, and interleaving the chains of 8 rows lets them overlap.</summary>
    public const int RowGroup = 8;

    /// <summary>Σ (double)x[j] of each of the <c>sums.Length</c> rows of width <paramref name="dim"/> in <paramref name="x"/>,
    /// the bits of <see cref="RowReductionsReference.SumWidened"/> row by row.</summary>
    public static void SumsWidened<T>(ReadOnlySpan<T> x, int dim, Span<double> sums) where T : unmanaged, IFloatingPointIeee754<T> =>
        SquaredOrPlainRows(x, dim, default, sums, squared: false);

    /// <summary>Σ ((double)x[j] − mean)² of each row of <paramref name="x"/> about its mean in <paramref name="means"/>, the
    /// bits of <see cref="RowReductionsReference.SumSquaredDeviationWidened"/> row by row.</summary>
    public static void SumSquaredDeviationsWidened<T>(ReadOnlySpan<T> x, int dim, ReadOnlySpan<double> means, Span<double> sums)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SquaredOrPlainRows(x, dim, means, sums, squared: true);

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SquaredOrPlainRows<T>(ReadOnlySpan<T> x, int dim, ReadOnlySpan<double> means, Span<double> sums, bool squared)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = sums.Length;
        if (x.Length < rows * dim || (squared && means.Length < rows)) throw new ArgumentException("Row operands do not match.");
        VectorTier tier = ElementWise.TierFor<T>();
        if (tier == VectorTier.Scalar)
        {
            for (int r = 0; r < rows; r++)
            {
                var row = x.Slice(r * dim, dim);
                sums[r] = squared
                    ? RowReductionsReference.SumSquaredDeviationWidened(row, means[r])
                    : RowReductionsReference.SumWidened(row);
            }
            return;
        }
        int blocks = dim - dim % Lanes;
        Span<double> lanes = stackalloc double[RowGroup * Lanes];
        Span<double> totals = stackalloc double[RowGroup];
        for (int r0 = 0; r0 < rows; r0 += RowGroup)
        {
            int group = Math.Min(RowGroup, rows - r0);
            for (int i = 0; i < group; i++)
                WidenedLanes(x.Slice((r0 + i) * dim, blocks), squared ? means[r0 + i] : 0, squared, lanes.Slice(i * Lanes, Lanes), tier);
            if (group < RowGroup) lanes[(group * Lanes)..].Clear();
            AddLanesInOrder(lanes, totals);
            for (int i = 0; i < group; i++) // then the remaining elements in order
            {
                double total = totals[i], mean = squared ? means[r0 + i] : 0;
                var row = x.Slice((r0 + i) * dim, dim);
                for (int j = blocks; j < dim; j++)
                {
                    double v = double.CreateTruncating(row[j]);
                    if (squared) { v -= mean; v *= v; }
                    total += v;
                }
                sums[r0 + i] = total;
            }
        }
    }

    /// <summary>
    /// totals[i] = 0 + lanes[16i] + lanes[16i + 1] + … + lanes[16i + 15], added in that order, for the <see cref="RowGroup"/>
    /// rows at once: eight independent chains in registers, where one row's chain of 16 dependent adds would stall.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddLanesInOrder<T>(ReadOnlySpan<T> lanes, Span<T> totals) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (lanes.Length < RowGroup * Lanes || totals.Length < RowGroup) throw new ArgumentException("Lane buffers are too short.");
        ref T l = ref MemoryMarshal.GetReference(lanes);
        T t0 = T.Zero, t1 = T.Zero, t2 = T.Zero, t3 = T.Zero, t4 = T.Zero, t5 = T.Zero, t6 = T.Zero, t7 = T.Zero;
        for (int k = 0; k < Lanes; k++)
        {
            t0 += Unsafe.Add(ref l, k);
            t1 += Unsafe.Add(ref l, Lanes + k);
            t2 += Unsafe.Add(ref l, 2 * Lanes + k);
            t3 += Unsafe.Add(ref l, 3 * Lanes + k);
            t4 += Unsafe.Add(ref l, 4 * Lanes + k);
            t5 += Unsafe.Add(ref l, 5 * Lanes + k);
            t6 += Unsafe.Add(ref l, 6 * Lanes + k);
            t7 += Unsafe.Add(ref l, 7 * Lanes + k);
        }
        totals[0] = t0; totals[1] = t1; totals[2] = t2; totals[3] = t3;
        totals[4] = t4; totals[5] = t5; totals[6] = t6; totals[7] = t7;
    }

    /// <summary>The 16 partial sums of x (a whole number of 16-element blocks) at a vector tier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WidenedLanes<T>(ReadOnlySpan<T> x, double mean, bool squared, Span<double> lanes, VectorTier tier)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = x.Length;
        if (typeof(T) == typeof(float))
        {
            ref float xs = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x));
            if (tier == VectorTier.Vector512)
            {
                Vector512<double> a0 = default, a1 = default, m = Vector512.Create(mean);
                for (int i = 0; i < blocks; i += Lanes)
                {
                    var v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                    Vector512<double> lo = Vector512.WidenLower(v), hi = Vector512.WidenUpper(v);
                    if (squared) { lo -= m; hi -= m; lo *= lo; hi *= hi; }
                    a0 += lo; a1 += hi;
                }
                a0.CopyTo(lanes); a1.CopyTo(lanes[8..]);
            }
            else
            {
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, m = Vector256.Create(mean);
                for (int i = 0; i < blocks; i += Lanes)
                {
                    var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                    var w = Vector256.LoadUnsafe(ref xs, (nuint)(i + 8));
                    Vector256<double> d0 = Vector256.WidenLower(v), d1 = Vector256.WidenUpper(v);
                    Vector256<double> d2 = Vector256.WidenLower(w), d3 = Vector256.WidenUpper(w);
                    if (squared) { d0 -= m; d1 -= m; d2 -= m; d3 -= m; d0 *= d0; d1 *= d1; d2 *= d2; d3 *= d3; }
                    a0 += d0; a1 += d1; a2 += d2; a3 += d3;
                }
                a0.CopyTo(lanes); a1.CopyTo(lanes[4..]); a2.CopyTo(lanes[8..]); a3.CopyTo(lanes[12..]);
            }
        }
        else
        {
            ref double xs = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(x));
            if (tier == VectorTier.Vector512)
            {
                Vector512<double> a0 = default, a1 = default, m = Vector512.Create(mean);
                for (int i = 0; i < blocks; i += Lanes)
                {
                    Vector512<double> d0 = Vector512.LoadUnsafe(ref xs, (nuint)i), d1 = Vector512.LoadUnsafe(ref xs, (nuint)(i + 8));
                    if (squared) { d0 -= m; d1 -= m; d0 *= d0; d1 *= d1; }
                    a0 += d0; a1 += d1;
                }
                a0.CopyTo(lanes); a1.CopyTo(lanes[8..]);
            }
            else
            {
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, m = Vector256.Create(mean);
                for (int i = 0; i < blocks; i += Lanes)
                {
                    Vector256<double> d0 = Vector256.LoadUnsafe(ref xs, (nuint)i), d1 = Vector256.LoadUnsafe(ref xs, (nuint)(i + 4));
                    Vector256<double> d2 = Vector256.LoadUnsafe(ref xs, (nuint)(i + 8)), d3 = Vector256.LoadUnsafe(ref xs, (nuint)(i + 12));
                    if (squared) { d0 -= m; d1 -= m; d2 -= m; d3 -= m; d0 *= d0; d1 *= d1; d2 *= d2; d3 *= d3; }
                    a0 += d0; a1 += d1; a2 += d2; a3 += d3;
                }
                a0.CopyTo(lanes); a1.CopyTo(lanes[4..]); a2.CopyTo(lanes[8..]); a3.CopyTo(lanes[12..]);
            }
        }
    }

    /// <summary>
    /// (Σ g[j], Σ g[j]·h[j]) with g[j] = a[j]·b[j], in T (layer norm's Σ dx̂ and Σ dx̂ ⊙ x̂, dx̂ = γ ⊙ dy), for each of the
    /// <c>sums.Length</c> rows of width <paramref name="dim"/> in <paramref name="b"/> and <paramref name="h"/>, with the one row
    /// <paramref name="a"/> (γ) for all of them: the bits of <see cref="RowReductionsReference.ProductSums{T}"/> row by row,
    /// the lane additions of <see cref="RowGroup"/> rows interleaved.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ProductSumsRows<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> h, int dim, Span<T> sums, Span<T> dots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = sums.Length;
        if (a.Length != dim || b.Length < rows * dim || h.Length < rows * dim || dots.Length != rows)
            throw new ArgumentException("Row operands do not match.");
        VectorTier tier = ElementWise.TierFor<T>();
        if (tier == VectorTier.Scalar)
        {
            for (int r = 0; r < rows; r++)
                (sums[r], dots[r]) = RowReductionsReference.ProductSums(a, b.Slice(r * dim, dim), h.Slice(r * dim, dim));
            return;
        }
        int blocks = dim - dim % Lanes;
        Span<T> sumLanes = stackalloc T[RowGroup * Lanes];
        Span<T> dotLanes = stackalloc T[RowGroup * Lanes];
        Span<T> sumTotals = stackalloc T[RowGroup];
        Span<T> dotTotals = stackalloc T[RowGroup];
        for (int r0 = 0; r0 < rows; r0 += RowGroup)
        {
            int group = Math.Min(RowGroup, rows - r0);
            for (int i = 0; i < group; i++)
                ProductLanes(a, b.Slice((r0 + i) * dim, dim), h.Slice((r0 + i) * dim, dim), blocks, sumLanes.Slice(i * Lanes, Lanes),
                    dotLanes.Slice(i * Lanes, Lanes), tier);
            if (group < RowGroup)
            {
                sumLanes[(group * Lanes)..].Clear();
                dotLanes[(group * Lanes)..].Clear();
            }
            AddLanesInOrder<T>(sumLanes, sumTotals);
            AddLanesInOrder<T>(dotLanes, dotTotals);
            for (int i = 0; i < group; i++) // then the remaining elements in order
                (sums[r0 + i], dots[r0 + i]) = AddProductTail(a, b.Slice((r0 + i) * dim, dim), h.Slice((r0 + i) * dim, dim), blocks,
                    sumTotals[i], dotTotals[i]);
        }
    }

    /// <summary>The 16 lane sums of g = a ⊙ b and of g ⊙ h over the first <paramref name="blocks"/> elements (whole blocks of
    /// 16) at a vector tier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductLanes<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> h, int blocks, Span<T> sums,
        Span<T> dots, VectorTier tier) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length < blocks || b.Length < blocks || h.Length < blocks || sums.Length < Lanes || dots.Length < Lanes)
            throw new ArgumentException("Row operands do not match.");
        ref T ap = ref MemoryMarshal.GetReference(a);
        ref T bp = ref MemoryMarshal.GetReference(b);
        ref T hp = ref MemoryMarshal.GetReference(h);
        if (tier == VectorTier.Vector512)
        {
            int w = Vector512<T>.Count; // 16 (float) or 8 (double): one or two registers hold the 16 lanes
            Vector512<T> s0 = default, s1 = default, d0 = default, d1 = default;
            for (int i = 0; i < blocks; i += Lanes)
            {
                var g0 = Vector512.LoadUnsafe(ref ap, (nuint)i) * Vector512.LoadUnsafe(ref bp, (nuint)i);
                s0 += g0; d0 += g0 * Vector512.LoadUnsafe(ref hp, (nuint)i);
                if (w == 8)
                {
                    var g1 = Vector512.LoadUnsafe(ref ap, (nuint)(i + 8)) * Vector512.LoadUnsafe(ref bp, (nuint)(i + 8));
                    s1 += g1; d1 += g1 * Vector512.LoadUnsafe(ref hp, (nuint)(i + 8));
                }
            }
            s0.CopyTo(sums); d0.CopyTo(dots);
            if (w == 8) { s1.CopyTo(sums[8..]); d1.CopyTo(dots[8..]); }
        }
        else
        {
            int w = Vector256<T>.Count; // 8 (float) or 4 (double): two or four registers
            Vector256<T> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<T> d0 = default, d1 = default, d2 = default, d3 = default;
            for (int i = 0; i < blocks; i += Lanes)
            {
                var g0 = Vector256.LoadUnsafe(ref ap, (nuint)i) * Vector256.LoadUnsafe(ref bp, (nuint)i);
                var g1 = Vector256.LoadUnsafe(ref ap, (nuint)(i + w)) * Vector256.LoadUnsafe(ref bp, (nuint)(i + w));
                s0 += g0; d0 += g0 * Vector256.LoadUnsafe(ref hp, (nuint)i);
                s1 += g1; d1 += g1 * Vector256.LoadUnsafe(ref hp, (nuint)(i + w));
                if (w == 4)
                {
                    var g2 = Vector256.LoadUnsafe(ref ap, (nuint)(i + 8)) * Vector256.LoadUnsafe(ref bp, (nuint)(i + 8));
                    var g3 = Vector256.LoadUnsafe(ref ap, (nuint)(i + 12)) * Vector256.LoadUnsafe(ref bp, (nuint)(i + 12));
                    s2 += g2; d2 += g2 * Vector256.LoadUnsafe(ref hp, (nuint)(i + 8));
                    s3 += g3; d3 += g3 * Vector256.LoadUnsafe(ref hp, (nuint)(i + 12));
                }
            }
            s0.CopyTo(sums); d0.CopyTo(dots); s1.CopyTo(sums[w..]); d1.CopyTo(dots[w..]);
            if (w == 4) { s2.CopyTo(sums[8..]); d2.CopyTo(dots[8..]); s3.CopyTo(sums[12..]); d3.CopyTo(dots[12..]); }
        }
    }

    /// <summary>Adds the elements from <paramref name="blocks"/> on to the lane totals, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // inside optimised callers, never a first-compiled call per row
    private static (T Sum, T Dot) AddProductTail<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> h, int blocks, T sum, T dot)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = blocks; j < b.Length; j++)
        {
            T g = a[j] * b[j];
            sum += g;
            dot += g * h[j];
        }
        return (sum, dot);
    }
}

/// <summary>The scalar twins of <see cref="RowReductions"/>: the same 16 partial sums, held in an array.</summary>
internal static class RowReductionsReference
{
    public static double SumWidened<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<double> lanes = stackalloc double[RowReductions.Lanes];
        lanes.Clear();
        int n = x.Length, blocks = n - n % RowReductions.Lanes;
        for (int j = 0; j < blocks; j++) lanes[j % RowReductions.Lanes] += double.CreateTruncating(x[j]);
        double total = 0;
        foreach (var lane in lanes) total += lane;
        for (int j = blocks; j < n; j++) total += double.CreateTruncating(x[j]);
        return total;
    }

    public static double SumSquaredDeviationWidened<T>(ReadOnlySpan<T> x, double mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<double> lanes = stackalloc double[RowReductions.Lanes];
        lanes.Clear();
        int n = x.Length, blocks = n - n % RowReductions.Lanes;
        for (int j = 0; j < blocks; j++)
        {
            double d = double.CreateTruncating(x[j]) - mean;
            lanes[j % RowReductions.Lanes] += d * d;
        }
        double total = 0;
        foreach (var lane in lanes) total += lane;
        for (int j = blocks; j < n; j++)
        {
            double d = double.CreateTruncating(x[j]) - mean;
            total += d * d;
        }
        return total;
    }

    public static (T Sum, T Dot) ProductSums<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> sums = stackalloc T[RowReductions.Lanes];
        Span<T> dots = stackalloc T[RowReductions.Lanes];
        sums.Clear();
        dots.Clear();
        int n = a.Length, blocks = n - n % RowReductions.Lanes;
        for (int j = 0; j < blocks; j++)
        {
            T g = a[j] * b[j];
            sums[j % RowReductions.Lanes] += g;
            dots[j % RowReductions.Lanes] += g * h[j];
        }
        T sum = T.Zero, dot = T.Zero;
        for (int k = 0; k < RowReductions.Lanes; k++) { sum += sums[k]; dot += dots[k]; }
        for (int j = blocks; j < n; j++)
        {
            T g = a[j] * b[j];
            sum += g;
            dot += g * h[j];
        }
        return (sum, dot);
    }
}
