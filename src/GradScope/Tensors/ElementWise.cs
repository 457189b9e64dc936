using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>The vector widths of the element-wise drivers, best last.</summary>
internal enum VectorTier { Scalar, Vector256, Vector512 }

/// <summary>
/// An element-wise function of one stream (the TensorPrimitives operator pattern). The scalar
/// <see cref="Invoke(T)"/> is the reference; the vector overloads must compute the same function lane by lane.
/// Operators are structs so that the driver is specialised per operator and their fields (scalars such as a
/// residual weight) live in registers. <see cref="Vectorizable"/> false sends every element to the scalar twin
/// (e.g. an accurate transcendental for double).
/// </summary>
internal interface IUnaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    bool Vectorizable { get; }
    T Invoke(T x);
    Vector256<T> Invoke(Vector256<T> x);
    Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>An element-wise function of two streams.</summary>
internal interface IBinaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    bool Vectorizable { get; }
    T Invoke(T x, T y);
    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
    Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

/// <summary>An element-wise function of three streams.</summary>
internal interface ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    bool Vectorizable { get; }
    T Invoke(T x, T y, T z);
    Vector256<T> Invoke(Vector256<T> x, Vector256<T> y, Vector256<T> z);
    Vector512<T> Invoke(Vector512<T> x, Vector512<T> y, Vector512<T> z);
}

/// <summary>
/// The SIMD loop drivers of every element-wise pass of a training step. Each driver is one loop in an explicit
/// cascade: Vector512 while a whole 512-bit vector remains (when the tier allows it), then Vector256, then the
/// <b>scalar remainder</b> — the single tail mechanism: the last n mod width elements go through the
/// operator's scalar twin. It is safe when the destination aliases an input (in-place updates), because every
/// element is read before it is written at the same index and no element is processed twice.
/// <para>
/// <see cref="KernelSettings.ForceScalar"/> sends every driver down the scalar path, which is the plain reference
/// loop; tests use it to train with and without the fast paths, and <see cref="KernelSettings.VectorTier"/> to exercise
/// the Vector512 path on hardware without AVX-512 (the JIT then emulates it, correctly and slowly).
/// </para>
/// </summary>
internal static class ElementWise
{
    public static readonly VectorTier Detected =
        Vector512.IsHardwareAccelerated ? VectorTier.Vector512 :
        Vector256.IsHardwareAccelerated ? VectorTier.Vector256 :
        VectorTier.Scalar;


    /// <summary>The tier kernels for element type <typeparamref name="T"/> use on this thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorTier TierFor<T>()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) return VectorTier.Scalar;
        var settings = KernelSettings.Current;
        if (settings.ForceScalar) return VectorTier.Scalar;
        return settings.VectorTier ?? TierSelection.Vector;
    }

    /// <summary>d[i] = op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
    {
        if (x.Length != d.Length) throw new ArgumentException("Element-wise operands differ in length.");
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = d.Length, i = 0;
        VectorTier tier = op.Vectorizable ? TierFor<T>() : VectorTier.Scalar;
        if (tier == VectorTier.Vector512)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        if (tier >= VectorTier.Vector256)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i)); // scalar remainder
    }

    /// <summary>d[i] = op(x[i], y[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        if (x.Length != d.Length || y.Length != d.Length) throw new ArgumentException("Element-wise operands differ in length.");
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = d.Length, i = 0;
        VectorTier tier = op.Vectorizable ? TierFor<T>() : VectorTier.Scalar;
        if (tier == VectorTier.Vector512)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        if (tier >= VectorTier.Vector256)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i)); // scalar remainder
    }

    /// <summary>d[i] = op(x[i], y[i], z[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOperator<T>
    {
        if (x.Length != d.Length || y.Length != d.Length || z.Length != d.Length)
            throw new ArgumentException("Element-wise operands differ in length.");
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T zs = ref MemoryMarshal.GetReference(z);
        ref T ds = ref MemoryMarshal.GetReference(d);
        int n = d.Length, i = 0;
        VectorTier tier = op.Vectorizable ? TierFor<T>() : VectorTier.Scalar;
        if (tier == VectorTier.Vector512)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512.LoadUnsafe(ref ys, (nuint)i),
                    Vector512.LoadUnsafe(ref zs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        if (tier >= VectorTier.Vector256)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i),
                    Vector256.LoadUnsafe(ref zs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        for (; i < n; i++) // scalar remainder
            Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i), Unsafe.Add(ref zs, i));
    }

    /// <summary>
    /// acc[j] += Σ_r m[r·cols + j] (bias gradients, batch-norm sums), rows added in order 0, 1, … so the result
    /// is bit-identical to <see cref="ElementWiseReference.AddColumnSums{T}"/>: a column strip of one vector
    /// starts from acc and takes every row in turn in a register. Up to four strips go down the rows together, so that
    /// their sums' dependency chains overlap (one strip at a time waits on the latency of each add); a column tail of a
    /// 128-bit vector, then scalars.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddColumnSums<T>(ReadOnlySpan<T> m, int rows, int cols, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (acc.Length != cols || m.Length < rows * cols) throw new ArgumentException("Column-sum operands do not match.");
        VectorTier tier = TierFor<T>();
        if (tier == VectorTier.Scalar) { ElementWiseReference.AddColumnSums(m, rows, cols, acc); return; }
        ref T ms = ref MemoryMarshal.GetReference(m);
        ref T a = ref MemoryMarshal.GetReference(acc);
        int j = 0;
        if (tier == VectorTier.Vector512)
            for (int w = Vector512<T>.Count, strips; (strips = StripsLeft(cols - j, w)) > 0; j += strips * w)
                ColumnStrips512(ref ms, ref a, rows, cols, j, strips);
        for (int w = Vector256<T>.Count, strips; (strips = StripsLeft(cols - j, w)) > 0; j += strips * w)
            ColumnStrips256(ref ms, ref a, rows, cols, j, strips);
        if (cols - j >= Vector128<T>.Count)
        {
            var s = Vector128.LoadUnsafe(ref a, (nuint)j);
            for (int r = 0; r < rows; r++) s += Vector128.LoadUnsafe(ref ms, (nuint)(r * cols + j));
            s.StoreUnsafe(ref a, (nuint)j);
            j += Vector128<T>.Count;
        }
        for (; j < cols; j++) // scalar remainder
        {
            T s = Unsafe.Add(ref a, j);
            for (int r = 0; r < rows; r++) s += Unsafe.Add(ref ms, r * cols + j);
            Unsafe.Add(ref a, j) = s;
        }
    }

    /// <summary>How many vector strips of width <paramref name="width"/> the next pass down the rows takes: 4, 2, 1 or 0.</summary>
    internal static int StripsLeft(int columnsLeft, int width) =>
        columnsLeft >= 4 * width ? 4 : columnsLeft >= 2 * width ? 2 : columnsLeft >= width ? 1 : 0;

    private static void ColumnStrips512<T>(ref T ms, ref T a, int rows, int cols, int j, int strips)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nuint w = (nuint)Vector512<T>.Count, j0 = (nuint)j;
        var s0 = Vector512.LoadUnsafe(ref a, j0);
        var s1 = strips > 1 ? Vector512.LoadUnsafe(ref a, j0 + w) : default;
        var s2 = strips > 2 ? Vector512.LoadUnsafe(ref a, j0 + 2 * w) : default;
        var s3 = strips > 2 ? Vector512.LoadUnsafe(ref a, j0 + 3 * w) : default;
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols) + j0;
            s0 += Vector512.LoadUnsafe(ref ms, o);
            if (strips > 1) s1 += Vector512.LoadUnsafe(ref ms, o + w);
            if (strips > 2)
            {
                s2 += Vector512.LoadUnsafe(ref ms, o + 2 * w);
                s3 += Vector512.LoadUnsafe(ref ms, o + 3 * w);
            }
        }
        s0.StoreUnsafe(ref a, j0);
        if (strips > 1) s1.StoreUnsafe(ref a, j0 + w);
        if (strips > 2)
        {
            s2.StoreUnsafe(ref a, j0 + 2 * w);
            s3.StoreUnsafe(ref a, j0 + 3 * w);
        }
    }

    private static void ColumnStrips256<T>(ref T ms, ref T a, int rows, int cols, int j, int strips)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nuint w = (nuint)Vector256<T>.Count, j0 = (nuint)j;
        var s0 = Vector256.LoadUnsafe(ref a, j0);
        var s1 = strips > 1 ? Vector256.LoadUnsafe(ref a, j0 + w) : default;
        var s2 = strips > 2 ? Vector256.LoadUnsafe(ref a, j0 + 2 * w) : default;
        var s3 = strips > 2 ? Vector256.LoadUnsafe(ref a, j0 + 3 * w) : default;
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols) + j0;
            s0 += Vector256.LoadUnsafe(ref ms, o);
            if (strips > 1) s1 += Vector256.LoadUnsafe(ref ms, o + w);
            if (strips > 2)
            {
                s2 += Vector256.LoadUnsafe(ref ms, o + 2 * w);
                s3 += Vector256.LoadUnsafe(ref ms, o + 3 * w);
            }
        }
        s0.StoreUnsafe(ref a, j0);
        if (strips > 1) s1.StoreUnsafe(ref a, j0 + w);
        if (strips > 2)
        {
            s2.StoreUnsafe(ref a, j0 + 2 * w);
            s3.StoreUnsafe(ref a, j0 + 3 * w);
        }
    }

    /// <summary>
    /// acc[j] += (double)x[r, j] for every row r of x in turn (x: rows × acc.Length, dense): statistics of float data
    /// accumulated in double without a scalar conversion per element (float lanes are widened two vectors at a time).
    /// Bit-identical to the scalar twin.
    /// </summary>
    public static void AccumulateWidened<T>(ReadOnlySpan<T> x, Span<double> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = acc.Length;
        CheckRows(x.Length, n);
        VectorTier tier = TierFor<T>();
        ref T xs = ref MemoryMarshal.GetReference(x);
        for (int o = 0; o < x.Length; o += n) AccumulateWidenedRow(ref Unsafe.Add(ref xs, o), ref xs, false, acc, tier);
    }

    /// <summary>
    /// x[r, j] += bias[j], then acc[j] += (double)x[r, j], for every row r in turn: a linear layer's bias added in the pass that
    /// takes the batch-norm statistics of its output. Bit-identical to the scalar twin (and to the bias added first).
    /// </summary>
    public static void AddBiasAndAccumulateWidened<T>(Span<T> x, ReadOnlySpan<T> bias, Span<double> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = acc.Length;
        CheckRows(x.Length, n);
        if (bias.Length != n) throw new ArgumentException("Operands differ in length.");
        VectorTier tier = TierFor<T>();
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T bs = ref MemoryMarshal.GetReference(bias);
        for (int o = 0; o < x.Length; o += n) AccumulateWidenedRow(ref Unsafe.Add(ref xs, o), ref bs, true, acc, tier);
    }

    /// <summary>x.Length is a whole number of rows of <paramref name="cols"/> elements.</summary>
    private static void CheckRows(int length, int cols)
    {
        if (cols == 0 ? length != 0 : length % cols != 0) throw new ArgumentException("Operands differ in length.");
    }

    /// <summary>One row of acc.Length elements at <paramref name="x"/>; with <paramref name="addBias"/> the bias is added to the
    /// row (stored) before it is accumulated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateWidenedRow<T>(ref T x, ref T bias, bool addBias, Span<double> acc, VectorTier tier)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = acc.Length, i = 0;
        ref double a = ref MemoryMarshal.GetReference(acc);
        if (typeof(T) == typeof(float))
        {
            ref float xs = ref Unsafe.As<T, float>(ref x);
            ref float bs = ref Unsafe.As<T, float>(ref bias);
            if (tier == VectorTier.Vector512)
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                    if (addBias)
                    {
                        v += Vector512.LoadUnsafe(ref bs, (nuint)i);
                        v.StoreUnsafe(ref xs, (nuint)i);
                    }
                    (Vector512.LoadUnsafe(ref a, (nuint)i) + Vector512.WidenLower(v)).StoreUnsafe(ref a, (nuint)i);
                    (Vector512.LoadUnsafe(ref a, (nuint)(i + 8)) + Vector512.WidenUpper(v)).StoreUnsafe(ref a, (nuint)(i + 8));
                }
            if (tier >= VectorTier.Vector256)
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                    if (addBias)
                    {
                        v += Vector256.LoadUnsafe(ref bs, (nuint)i);
                        v.StoreUnsafe(ref xs, (nuint)i);
                    }
                    (Vector256.LoadUnsafe(ref a, (nuint)i) + Vector256.WidenLower(v)).StoreUnsafe(ref a, (nuint)i);
                    (Vector256.LoadUnsafe(ref a, (nuint)(i + 4)) + Vector256.WidenUpper(v)).StoreUnsafe(ref a, (nuint)(i + 4));
                }
        }
        else if (typeof(T) == typeof(double))
        {
            ref double xs = ref Unsafe.As<T, double>(ref x);
            ref double bs = ref Unsafe.As<T, double>(ref bias);
            if (tier == VectorTier.Vector512)
                for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
                {
                    var v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                    if (addBias)
                    {
                        v += Vector512.LoadUnsafe(ref bs, (nuint)i);
                        v.StoreUnsafe(ref xs, (nuint)i);
                    }
                    (Vector512.LoadUnsafe(ref a, (nuint)i) + v).StoreUnsafe(ref a, (nuint)i);
                }
            if (tier >= VectorTier.Vector256)
                for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                    if (addBias)
                    {
                        v += Vector256.LoadUnsafe(ref bs, (nuint)i);
                        v.StoreUnsafe(ref xs, (nuint)i);
                    }
                    (Vector256.LoadUnsafe(ref a, (nuint)i) + v).StoreUnsafe(ref a, (nuint)i);
                }
        }
        for (; i < n; i++) // scalar remainder
        {
            if (addBias) Unsafe.Add(ref x, i) += Unsafe.Add(ref bias, i);
            Unsafe.Add(ref a, i) += double.CreateTruncating(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>acc[j] += ((double)x[r, j] − mean[j])² for every row r of x in turn (two-pass variance in double).
    /// Bit-identical to the scalar twin.</summary>
    public static void AccumulateSquaredDeviation<T>(ReadOnlySpan<T> x, ReadOnlySpan<double> mean, Span<double> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = acc.Length;
        if (mean.Length != n) throw new ArgumentException("Operands differ in length.");
        CheckRows(x.Length, n);
        VectorTier tier = TierFor<T>();
        for (int o = 0; o < x.Length; o += n) AccumulateSquaredDeviationRow(x.Slice(o, n), mean, acc, tier);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateSquaredDeviationRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<double> mean, Span<double> acc, VectorTier tier)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        ref double a = ref MemoryMarshal.GetReference(acc);
        ref double mu = ref MemoryMarshal.GetReference(mean);
        if (typeof(T) == typeof(float))
        {
            ref float xs = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x));
            if (tier == VectorTier.Vector512)
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                    var d0 = Vector512.WidenLower(v) - Vector512.LoadUnsafe(ref mu, (nuint)i);
                    var d1 = Vector512.WidenUpper(v) - Vector512.LoadUnsafe(ref mu, (nuint)(i + 8));
                    (Vector512.LoadUnsafe(ref a, (nuint)i) + d0 * d0).StoreUnsafe(ref a, (nuint)i);
                    (Vector512.LoadUnsafe(ref a, (nuint)(i + 8)) + d1 * d1).StoreUnsafe(ref a, (nuint)(i + 8));
                }
            if (tier >= VectorTier.Vector256)
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                    var d0 = Vector256.WidenLower(v) - Vector256.LoadUnsafe(ref mu, (nuint)i);
                    var d1 = Vector256.WidenUpper(v) - Vector256.LoadUnsafe(ref mu, (nuint)(i + 4));
                    (Vector256.LoadUnsafe(ref a, (nuint)i) + d0 * d0).StoreUnsafe(ref a, (nuint)i);
                    (Vector256.LoadUnsafe(ref a, (nuint)(i + 4)) + d1 * d1).StoreUnsafe(ref a, (nuint)(i + 4));
                }
        }
        else if (typeof(T) == typeof(double))
        {
            ref double xs = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(x));
            if (tier == VectorTier.Vector512)
                for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
                {
                    var d = Vector512.LoadUnsafe(ref xs, (nuint)i) - Vector512.LoadUnsafe(ref mu, (nuint)i);
                    (Vector512.LoadUnsafe(ref a, (nuint)i) + d * d).StoreUnsafe(ref a, (nuint)i);
                }
            if (tier >= VectorTier.Vector256)
                for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
                {
                    var d = Vector256.LoadUnsafe(ref xs, (nuint)i) - Vector256.LoadUnsafe(ref mu, (nuint)i);
                    (Vector256.LoadUnsafe(ref a, (nuint)i) + d * d).StoreUnsafe(ref a, (nuint)i);
                }
        }
        for (; i < n; i++) // scalar remainder
        {
            double d = double.CreateTruncating(x[i]) - mean[i];
            acc[i] += d * d;
        }
    }
}

/// <summary>The plain loops the drivers of <see cref="ElementWise"/> are tested against.</summary>
internal static class ElementWiseReference
{
    public static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = op.Invoke(x[i]);
    }

    public static void Map<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = op.Invoke(x[i], y[i]);
    }

    public static void Map<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> d, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOperator<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = op.Invoke(x[i], y[i], z[i]);
    }

    public static void AddColumnSums<T>(ReadOnlySpan<T> m, int rows, int cols, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var row = m.Slice(r * cols, cols);
            for (int j = 0; j < cols; j++) acc[j] += row[j];
        }
    }

    public static void AccumulateWidened<T>(ReadOnlySpan<T> x, Span<double> acc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) acc[i % acc.Length] += double.CreateTruncating(x[i]);
    }

    public static void AddBiasAndAccumulateWidened<T>(Span<T> x, ReadOnlySpan<T> bias, Span<double> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += bias[i % acc.Length];
            acc[i % acc.Length] += double.CreateTruncating(x[i]);
        }
    }

    public static void AccumulateSquaredDeviation<T>(ReadOnlySpan<T> x, ReadOnlySpan<double> mean, Span<double> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            double d = double.CreateTruncating(x[i]) - mean[i % acc.Length];
            acc[i % acc.Length] += d * d;
        }
    }
}
