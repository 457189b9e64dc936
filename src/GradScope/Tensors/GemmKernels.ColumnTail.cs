// Like the micro-kernels, the tail kernels are written out register by register: the JIT keeps each named
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
/// transposed A, else packed by an 8×8 transpose).
/// <para>
/// Each C element is the same chain as in the micro-kernels — acc = 0, acc = fma(A(i,p), B(p,j), acc) for p in
/// order, then C = α·acc or fma(β, C, α·acc) — so the result does not depend on which kernel or tier computed it.
/// </para>
/// Operands: A(i, p) = <c>a[p·aStride + i]</c> for i &lt; <see cref="Rows"/> (zero-padded past the valid rows);
/// B(p, j) = <c>b[p·bRow + j]</c> for j &lt; 4 (a zero-padded panel, so j ≥ cols reads zeros).
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmColumnTail512<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows per call: two vectors.</summary>
    public static int Rows => 2 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint aStride, T* b, nint bRow, T* c, nint ldc, T alpha, T beta, int rows, int cols)
    {
        int lanes = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
        for (int p = 0; p < kc; p++, a += aStride, b += bRow)
        {
            Vector512<T> a0 = Vector512.Load(a), a1 = Vector512.Load(a + lanes);
            Vector512<T> x;
            x = Vector512.Create(b[0]); c00 = Fma(a0, x, c00); c10 = Fma(a1, x, c10);
            x = Vector512.Create(b[1]); c01 = Fma(a0, x, c01); c11 = Fma(a1, x, c11);
            x = Vector512.Create(b[2]); c02 = Fma(a0, x, c02); c12 = Fma(a1, x, c12);
            x = Vector512.Create(b[3]); c03 = Fma(a0, x, c03); c13 = Fma(a1, x, c13);
        }
        // Column-major spill (t[j·Rows + i] = C(i, j)), then the valid rows × cols reach C.
        int stride = 2 * lanes;
        T* t = stackalloc T[4 * stride];
        c00.Store(t); c10.Store(t + lanes);
        c01.Store(t + stride); c11.Store(t + stride + lanes);
        c02.Store(t + 2 * stride); c12.Store(t + 2 * stride + lanes);
        c03.Store(t + 3 * stride); c13.Store(t + 3 * stride + lanes);
        GemmEdge.StoreTransposed(t, stride, c, ldc, rows, cols, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), z.As<T, float>()).As<float, T>();
        return Vector512.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), z.As<T, double>()).As<double, T>();
    }
}

/// <summary>The column tail (<see cref="GemmColumnTail512{T}"/>) at 256 bits: 8 accumulators + 2 A vectors +
/// 1 broadcast fit the 16 ymm registers.</summary>
[SkipLocalsInit]
internal static unsafe class GemmColumnTail256<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows per call: two vectors.</summary>
    public static int Rows => 2 * Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint aStride, T* b, nint bRow, T* c, nint ldc, T alpha, T beta, int rows, int cols)
    {
        int lanes = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<T> c10 = default, c11 = default, c12 = default, c13 = default;
        for (int p = 0; p < kc; p++, a += aStride, b += bRow)
        {
            Vector256<T> a0 = Vector256.Load(a), a1 = Vector256.Load(a + lanes);
            Vector256<T> x;
            x = Vector256.Create(b[0]); c00 = Fma(a0, x, c00); c10 = Fma(a1, x, c10);
            x = Vector256.Create(b[1]); c01 = Fma(a0, x, c01); c11 = Fma(a1, x, c11);
            x = Vector256.Create(b[2]); c02 = Fma(a0, x, c02); c12 = Fma(a1, x, c12);
            x = Vector256.Create(b[3]); c03 = Fma(a0, x, c03); c13 = Fma(a1, x, c13);
        }
        int stride = 2 * lanes;
        T* t = stackalloc T[4 * stride];
        c00.Store(t); c10.Store(t + lanes);
        c01.Store(t + stride); c11.Store(t + stride + lanes);
        c02.Store(t + 2 * stride); c12.Store(t + 2 * stride + lanes);
        c03.Store(t + 3 * stride); c13.Store(t + 3 * stride + lanes);
        GemmEdge.StoreTransposed(t, stride, c, ldc, rows, cols, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> z)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), z.As<T, float>()).As<float, T>();
        return Vector256.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), z.As<T, double>()).As<double, T>();
    }
}
