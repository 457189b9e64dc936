// The micro-kernels are written out register by register on purpose: the JIT keeps each named
// accumulator in its own vector register, which it would not do for an array or a loop over rows.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>
/// AVX2 float kernel, register tile 6×16 (6 rows × 2 Vector256): 12 accumulators + 2 B vectors + 1 broadcast
/// = 15 of the 16 ymm registers. Per k step: 2 loads + 6 broadcasts feed 12 FMAs, so both FMA pipes
/// (4-cycle latency → ≥ 8 independent chains needed) stay busy and the loads fit the load ports. Six rows
/// also means six A row pointers, which with the loop counters still fit the 16 general registers (a
/// 12×8 variant spilled pointers and measured ~25 % slower here even on n = 100, where it pads less).
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx2Float6x16 : IMicroKernel<float>
{
    public static int MR => 6;
    public static int NR => 16;
    public static int TailRows => GemmColumnTail<float, TailVector256<float>>.Rows;

    public static void RunColumnTail(int kc, float* a, nint aStride, float* b, nint bRow, float* c, nint ldc, float alpha, float beta,
        int rows, int cols) => GemmColumnTail<float, TailVector256<float>>.Run(kc, a, aStride, b, bRow, c, ldc, alpha, beta, rows, cols);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, nint aRow, nint aCol, float* b, nint bRow,
        float* c, nint ldc, float alpha, float beta, int mr, int nr)
    {
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        float* a0 = a;
        float* a1 = a0 + aRow;
        float* a2 = a1 + aRow;
        float* a3 = a2 + aRow;
        float* a4 = a3 + aRow;
        float* a5 = a4 + aRow;
        nint pa = 0; // offset of A(·, p) from each row pointer
        for (int p = 0; p < kc; p++, pa += aCol, b += bRow)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x;
            x = Vector256.Create(a0[pa]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[pa]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[pa]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[pa]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[pa]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[pa]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }

        if (mr == MR && nr == NR)
        {
            var va = Vector256.Create(alpha);
            if (beta == 0)
            {
                (va * c00).Store(c + 0 * ldc); (va * c01).Store(c + 0 * ldc + 8);
                (va * c10).Store(c + 1 * ldc); (va * c11).Store(c + 1 * ldc + 8);
                (va * c20).Store(c + 2 * ldc); (va * c21).Store(c + 2 * ldc + 8);
                (va * c30).Store(c + 3 * ldc); (va * c31).Store(c + 3 * ldc + 8);
                (va * c40).Store(c + 4 * ldc); (va * c41).Store(c + 4 * ldc + 8);
                (va * c50).Store(c + 5 * ldc); (va * c51).Store(c + 5 * ldc + 8);
            }
            else
            {
                var vb = Vector256.Create(beta);
                Update(c + 0 * ldc, c00, va, vb); Update(c + 0 * ldc + 8, c01, va, vb);
                Update(c + 1 * ldc, c10, va, vb); Update(c + 1 * ldc + 8, c11, va, vb);
                Update(c + 2 * ldc, c20, va, vb); Update(c + 2 * ldc + 8, c21, va, vb);
                Update(c + 3 * ldc, c30, va, vb); Update(c + 3 * ldc + 8, c31, va, vb);
                Update(c + 4 * ldc, c40, va, vb); Update(c + 4 * ldc + 8, c41, va, vb);
                Update(c + 5 * ldc, c50, va, vb); Update(c + 5 * ldc + 8, c51, va, vb);
            }
        }
        else
        {
            float* t = stackalloc float[96];
            c00.Store(t + 0); c01.Store(t + 8);
            c10.Store(t + 16); c11.Store(t + 24);
            c20.Store(t + 32); c21.Store(t + 40);
            c30.Store(t + 48); c31.Store(t + 56);
            c40.Store(t + 64); c41.Store(t + 72);
            c50.Store(t + 80); c51.Store(t + 88);
            GemmEdge.Store(t, NR, c, ldc, mr, nr, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> acc, Vector256<float> alpha, Vector256<float> beta)
        => Vector256.FusedMultiplyAdd(beta, Vector256.Load(c), alpha * acc).Store(c);
}

/// <summary>
/// AVX2 double kernel, register tile 6×8 (6 rows × 2 Vector256&lt;double&gt;): the float 6×16 layout at half width.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx2Double6x8 : IMicroKernel<double>
{
    public static int MR => 6;
    public static int NR => 8;
    public static int TailRows => GemmColumnTail<double, TailVector256<double>>.Rows;

    public static void RunColumnTail(int kc, double* a, nint aStride, double* b, nint bRow, double* c, nint ldc, double alpha, double beta,
        int rows, int cols) => GemmColumnTail<double, TailVector256<double>>.Run(kc, a, aStride, b, bRow, c, ldc, alpha, beta, rows, cols);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, double* a, nint aRow, nint aCol, double* b, nint bRow,
        double* c, nint ldc, double alpha, double beta, int mr, int nr)
    {
        Vector256<double> c00 = default, c01 = default;
        Vector256<double> c10 = default, c11 = default;
        Vector256<double> c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default;
        Vector256<double> c40 = default, c41 = default;
        Vector256<double> c50 = default, c51 = default;
        double* a0 = a;
        double* a1 = a0 + aRow;
        double* a2 = a1 + aRow;
        double* a3 = a2 + aRow;
        double* a4 = a3 + aRow;
        double* a5 = a4 + aRow;
        nint pa = 0; // offset of A(·, p) from each row pointer
        for (int p = 0; p < kc; p++, pa += aCol, b += bRow)
        {
            Vector256<double> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 4);
            Vector256<double> x;
            x = Vector256.Create(a0[pa]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[pa]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[pa]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[pa]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[pa]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[pa]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }

        if (mr == MR && nr == NR)
        {
            var va = Vector256.Create(alpha);
            if (beta == 0)
            {
                (va * c00).Store(c + 0 * ldc); (va * c01).Store(c + 0 * ldc + 4);
                (va * c10).Store(c + 1 * ldc); (va * c11).Store(c + 1 * ldc + 4);
                (va * c20).Store(c + 2 * ldc); (va * c21).Store(c + 2 * ldc + 4);
                (va * c30).Store(c + 3 * ldc); (va * c31).Store(c + 3 * ldc + 4);
                (va * c40).Store(c + 4 * ldc); (va * c41).Store(c + 4 * ldc + 4);
                (va * c50).Store(c + 5 * ldc); (va * c51).Store(c + 5 * ldc + 4);
            }
            else
            {
                var vb = Vector256.Create(beta);
                Update(c + 0 * ldc, c00, va, vb); Update(c + 0 * ldc + 4, c01, va, vb);
                Update(c + 1 * ldc, c10, va, vb); Update(c + 1 * ldc + 4, c11, va, vb);
                Update(c + 2 * ldc, c20, va, vb); Update(c + 2 * ldc + 4, c21, va, vb);
                Update(c + 3 * ldc, c30, va, vb); Update(c + 3 * ldc + 4, c31, va, vb);
                Update(c + 4 * ldc, c40, va, vb); Update(c + 4 * ldc + 4, c41, va, vb);
                Update(c + 5 * ldc, c50, va, vb); Update(c + 5 * ldc + 4, c51, va, vb);
            }
        }
        else
        {
            double* t = stackalloc double[48];
            c00.Store(t + 0); c01.Store(t + 4);
            c10.Store(t + 8); c11.Store(t + 12);
            c20.Store(t + 16); c21.Store(t + 20);
            c30.Store(t + 24); c31.Store(t + 28);
            c40.Store(t + 32); c41.Store(t + 36);
            c50.Store(t + 40); c51.Store(t + 44);
            GemmEdge.Store(t, NR, c, ldc, mr, nr, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(double* c, Vector256<double> acc, Vector256<double> alpha, Vector256<double> beta)
        => Vector256.FusedMultiplyAdd(beta, Vector256.Load(c), alpha * acc).Store(c);
}
