// The micro-kernels are written out register by register on purpose: the JIT keeps each named
// accumulator in its own vector register, which it would not do for an array or a loop over rows.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>
/// AVX-512 float kernel, register tile 8×32 (8 rows × 2 Vector512): 16 accumulators (≥ 2 FMA pipes × 4-cycle latency)
/// + 2 B vectors + 1 broadcast of the 32 zmm registers; per k step 2 loads + 8 broadcasts feed 16 FMAs, and the slices
/// of a training step (64, 128 rows) are whole row tiles. On the AMD EPYC (Zen 5) one core ran 64×100×100 with packed
/// weights at ≈ 220 GFLOP/s against ≈ 200 for a 6×32 tile (the AVX2 layout at double width: 8 loads per 12 FMAs, and
/// 64 = 10·6 + 4 rows); eight A row pointers still fit the general registers. Correctness is tested by forcing the
/// tier (on CPUs without AVX-512 the JIT emulates Vector512).
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx512Float8x32 : IMicroKernel<float>
{
    public static int MR => 8;
    public static int NR => 32;
    public static int TailRows => GemmColumnTail<float, TailVector512<float>>.Rows;

    public static void RunColumnTail(int kc, float* a, nint aStride, float* b, nint bRow, float* c, nint ldc, float alpha, float beta,
        int rows, int cols) => GemmColumnTail<float, TailVector512<float>>.Run(kc, a, aStride, b, bRow, c, ldc, alpha, beta, rows, cols);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, nint aRow, nint aCol, float* b, nint bRow,
        float* c, nint ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        float* a0 = a;
        float* a1 = a0 + aRow;
        float* a2 = a1 + aRow;
        float* a3 = a2 + aRow;
        float* a4 = a3 + aRow;
        float* a5 = a4 + aRow;
        float* a6 = a5 + aRow;
        float* a7 = a6 + aRow;
        nint pa = 0; // offset of A(·, p) from each row pointer
        for (int p = 0; p < kc; p++, pa += aCol, b += bRow)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a0[pa]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[pa]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[pa]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[pa]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[pa]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[pa]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[pa]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[pa]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }

        if (mr == MR && nr == NR)
        {
            var va = Vector512.Create(alpha);
            if (beta == 0)
            {
                (va * c00).Store(c + 0 * ldc); (va * c01).Store(c + 0 * ldc + 16);
                (va * c10).Store(c + 1 * ldc); (va * c11).Store(c + 1 * ldc + 16);
                (va * c20).Store(c + 2 * ldc); (va * c21).Store(c + 2 * ldc + 16);
                (va * c30).Store(c + 3 * ldc); (va * c31).Store(c + 3 * ldc + 16);
                (va * c40).Store(c + 4 * ldc); (va * c41).Store(c + 4 * ldc + 16);
                (va * c50).Store(c + 5 * ldc); (va * c51).Store(c + 5 * ldc + 16);
                (va * c60).Store(c + 6 * ldc); (va * c61).Store(c + 6 * ldc + 16);
                (va * c70).Store(c + 7 * ldc); (va * c71).Store(c + 7 * ldc + 16);
            }
            else
            {
                var vb = Vector512.Create(beta);
                Update(c + 0 * ldc, c00, va, vb); Update(c + 0 * ldc + 16, c01, va, vb);
                Update(c + 1 * ldc, c10, va, vb); Update(c + 1 * ldc + 16, c11, va, vb);
                Update(c + 2 * ldc, c20, va, vb); Update(c + 2 * ldc + 16, c21, va, vb);
                Update(c + 3 * ldc, c30, va, vb); Update(c + 3 * ldc + 16, c31, va, vb);
                Update(c + 4 * ldc, c40, va, vb); Update(c + 4 * ldc + 16, c41, va, vb);
                Update(c + 5 * ldc, c50, va, vb); Update(c + 5 * ldc + 16, c51, va, vb);
                Update(c + 6 * ldc, c60, va, vb); Update(c + 6 * ldc + 16, c61, va, vb);
                Update(c + 7 * ldc, c70, va, vb); Update(c + 7 * ldc + 16, c71, va, vb);
            }
        }
        else
        {
            float* t = stackalloc float[256];
            c00.Store(t + 0); c01.Store(t + 16);
            c10.Store(t + 32); c11.Store(t + 48);
            c20.Store(t + 64); c21.Store(t + 80);
            c30.Store(t + 96); c31.Store(t + 112);
            c40.Store(t + 128); c41.Store(t + 144);
            c50.Store(t + 160); c51.Store(t + 176);
            c60.Store(t + 192); c61.Store(t + 208);
            c70.Store(t + 224); c71.Store(t + 240);
            GemmEdge.Store(t, NR, c, ldc, mr, nr, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta)
        => Vector512.FusedMultiplyAdd(beta, Vector512.Load(c), alpha * acc).Store(c);
}

/// <summary>
/// AVX-512 double kernel, register tile 6×16 (6 rows × 2 Vector512&lt;double&gt;): the AVX2 6×8 layout at double width.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx512Double6x16 : IMicroKernel<double>
{
    public static int MR => 6;
    public static int NR => 16;
    public static int TailRows => GemmColumnTail<double, TailVector512<double>>.Rows;

    public static void RunColumnTail(int kc, double* a, nint aStride, double* b, nint bRow, double* c, nint ldc, double alpha, double beta,
        int rows, int cols) => GemmColumnTail<double, TailVector512<double>>.Run(kc, a, aStride, b, bRow, c, ldc, alpha, beta, rows, cols);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, double* a, nint aRow, nint aCol, double* b, nint bRow,
        double* c, nint ldc, double alpha, double beta, int mr, int nr)
    {
        Vector512<double> c00 = default, c01 = default;
        Vector512<double> c10 = default, c11 = default;
        Vector512<double> c20 = default, c21 = default;
        Vector512<double> c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default;
        Vector512<double> c50 = default, c51 = default;
        double* a0 = a;
        double* a1 = a0 + aRow;
        double* a2 = a1 + aRow;
        double* a3 = a2 + aRow;
        double* a4 = a3 + aRow;
        double* a5 = a4 + aRow;
        nint pa = 0; // offset of A(·, p) from each row pointer
        for (int p = 0; p < kc; p++, pa += aCol, b += bRow)
        {
            Vector512<double> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 8);
            Vector512<double> x;
            x = Vector512.Create(a0[pa]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[pa]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[pa]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[pa]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[pa]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[pa]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
        }

        if (mr == MR && nr == NR)
        {
            var va = Vector512.Create(alpha);
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
                var vb = Vector512.Create(beta);
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
            double* t = stackalloc double[96];
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
    private static void Update(double* c, Vector512<double> acc, Vector512<double> alpha, Vector512<double> beta)
        => Vector512.FusedMultiplyAdd(beta, Vector512.Load(c), alpha * acc).Store(c);
}
