// Like the micro-kernels, the tail kernel is written out register by register: the JIT keeps each named
// accumulator in its own vector register.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>
/// The column tail of a product: the last few columns of C (fewer than half a panel, e.g. the 4 columns of
/// n = 100 = 3·32 + 4) computed with vectors that run down the rows instead of along the row. A row-vector
/// micro-kernel spends a whole NR-wide panel of FMAs on them (a quarter of all the work of a 64×100×100 product
/// with 32-wide panels); here 2 vectors of rows × 4 columns = 8 accumulators (8 FMA chains: 2 pipes × 4-cycle
/// latency) do only the useful work, for the price of op(A) in column-major order (read in place for a
/// transposed A, else packed by an 8×8 transpose). <typeparamref name="TVector"/> is the tier's vector width.
/// <para>
/// Each C element is the same chain as in the micro-kernels — acc = 0, acc = fma(A(i,p), B(p,j), acc) for p in
/// order, then C = α·acc or fma(β, C, α·acc) — so the result does not depend on which kernel or tier computed it.
/// </para>
/// Operands: A(i, p) = <c>a[p·aStride + i]</c> for i &lt; <see cref="Rows"/> (zero-padded past the valid rows);
/// B(p, j) = <c>b[p·bRow + j]</c> for j &lt; 4 (a zero-padded panel, so j ≥ cols reads zeros).
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmColumnTail<T, TVector>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TVector : struct, ITailVector<TVector, T>
{
    /// <summary>Rows per call: two vectors.</summary>
    public static int Rows => 2 * TVector.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint aStride, T* b, nint bRow, T* c, nint ldc, T alpha, T beta, int rows, int cols)
    {
        int lanes = TVector.Count;
        TVector c00 = default, c01 = default, c02 = default, c03 = default;
        TVector c10 = default, c11 = default, c12 = default, c13 = default;
        for (int p = 0; p < kc; p++, a += aStride, b += bRow)
        {
            TVector a0 = TVector.Load(a), a1 = TVector.Load(a + lanes);
            TVector x;
            x = TVector.Broadcast(b[0]); c00 = TVector.Fma(a0, x, c00); c10 = TVector.Fma(a1, x, c10);
            x = TVector.Broadcast(b[1]); c01 = TVector.Fma(a0, x, c01); c11 = TVector.Fma(a1, x, c11);
            x = TVector.Broadcast(b[2]); c02 = TVector.Fma(a0, x, c02); c12 = TVector.Fma(a1, x, c12);
            x = TVector.Broadcast(b[3]); c03 = TVector.Fma(a0, x, c03); c13 = TVector.Fma(a1, x, c13);
        }
        // Column-major spill (t[j·Rows + i] = C(i, j)), then the valid rows × cols reach C.
        int stride = 2 * lanes;
        T* t = stackalloc T[4 * stride];
        TVector.Store(c00, t); TVector.Store(c10, t + lanes);
        TVector.Store(c01, t + stride); TVector.Store(c11, t + stride + lanes);
        TVector.Store(c02, t + 2 * stride); TVector.Store(c12, t + 2 * stride + lanes);
        TVector.Store(c03, t + 3 * stride); TVector.Store(c13, t + 3 * stride + lanes);
        GemmEdge.StoreTransposed(t, stride, c, ldc, rows, cols, alpha, beta);
    }
}

/// <summary>The vector operations <see cref="GemmColumnTail{T, TVector}"/> needs, at one width.</summary>
internal unsafe interface ITailVector<TSelf, T> where TSelf : struct, ITailVector<TSelf, T> where T : unmanaged
{
    static abstract int Count { get; }
    static abstract TSelf Load(T* source);
    static abstract TSelf Broadcast(T value);
    static abstract TSelf Fma(TSelf x, TSelf y, TSelf z);
    static abstract void Store(TSelf value, T* destination);
}

/// <summary>256-bit vectors for the column tail: 8 accumulators + 2 A vectors + 1 broadcast fit the 16 ymm registers.</summary>
internal readonly unsafe struct TailVector256<T> : ITailVector<TailVector256<T>, T> where T : unmanaged
{
    private readonly Vector256<T> _v;
    private TailVector256(Vector256<T> v) => _v = v;

    public static int Count => Vector256<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TailVector256<T> Load(T* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TailVector256<T> Broadcast(T value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(TailVector256<T> value, T* destination) => value._v.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TailVector256<T> Fma(TailVector256<T> x, TailVector256<T> y, TailVector256<T> z)
    {
        if (typeof(T) == typeof(float))
            return new(Vector256.FusedMultiplyAdd(x._v.As<T, float>(), y._v.As<T, float>(), z._v.As<T, float>()).As<float, T>());
        return new(Vector256.FusedMultiplyAdd(x._v.As<T, double>(), y._v.As<T, double>(), z._v.As<T, double>()).As<double, T>());
    }
}

/// <summary>512-bit vectors for the column tail.</summary>
internal readonly unsafe struct TailVector512<T> : ITailVector<TailVector512<T>, T> where T : unmanaged
{
    private readonly Vector512<T> _v;
    private TailVector512(Vector512<T> v) => _v = v;

    public static int Count => Vector512<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TailVector512<T> Load(T* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TailVector512<T> Broadcast(T value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(TailVector512<T> value, T* destination) => value._v.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TailVector512<T> Fma(TailVector512<T> x, TailVector512<T> y, TailVector512<T> z)
    {
        if (typeof(T) == typeof(float))
            return new(Vector512.FusedMultiplyAdd(x._v.As<T, float>(), y._v.As<T, float>(), z._v.As<T, float>()).As<float, T>());
        return new(Vector512.FusedMultiplyAdd(x._v.As<T, double>(), y._v.As<T, double>(), z._v.As<T, double>()).As<double, T>());
    }
}
