// The micro-kernels are written out register by register on purpose: the JIT keeps each named
// accumulator in its own vector register, which it would not do for an array or a loop over rows.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>
/// AVX-512 float kernel, register tile 12×16 (12 rows × 1 Vector512): 12 accumulators + 1 B vector +
/// 1 broadcast of the 32 zmm registers. NR = 16 (not 32) because our layers are 100 wide: 112/100
/// padding instead of 128/100; 12 independent FMA chains cover 2 pipes × 4-cycle latency.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx512Float12x16 : IMicroKernel<float>
{
    public static int MR => 12;
    public static int NR => 16;

    public static void Run(int kc, float* a, nint aRow, nint aCol, float* b, nint bRow,
        float* c, nint ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default;
        Vector512<float> c10 = default;
        Vector512<float> c20 = default;
        Vector512<float> c30 = default;
        Vector512<float> c40 = default;
        Vector512<float> c50 = default;
        Vector512<float> c60 = default;
        Vector512<float> c70 = default;
        Vector512<float> c80 = default;
        Vector512<float> c90 = default;
        Vector512<float> cA0 = default;
        Vector512<float> cB0 = default;
        float* a0 = a;
        float* a1 = a0 + aRow;
        float* a2 = a1 + aRow;
        float* a3 = a2 + aRow;
        float* a4 = a3 + aRow;
        float* a5 = a4 + aRow;
        float* a6 = a5 + aRow;
        float* a7 = a6 + aRow;
        float* a8 = a7 + aRow;
        float* a9 = a8 + aRow;
        float* aA = a9 + aRow;
        float* aB = aA + aRow;
        nint pa = 0; // offset of A(·, p) from each row pointer
        for (int p = 0; p < kc; p++, pa += aCol, b += bRow)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> x;
            x = Vector512.Create(a0[pa]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            x = Vector512.Create(a1[pa]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            x = Vector512.Create(a2[pa]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            x = Vector512.Create(a3[pa]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            x = Vector512.Create(a4[pa]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            x = Vector512.Create(a5[pa]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            x = Vector512.Create(a6[pa]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            x = Vector512.Create(a7[pa]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            x = Vector512.Create(a8[pa]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80);
            x = Vector512.Create(a9[pa]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90);
            x = Vector512.Create(aA[pa]); cA0 = Vector512.FusedMultiplyAdd(x, b0, cA0);
            x = Vector512.Create(aB[pa]); cB0 = Vector512.FusedMultiplyAdd(x, b0, cB0);
        }

        if (mr == MR && nr == NR)
        {
            var va = Vector512.Create(alpha);
            if (beta == 0)
            {
                (va * c00).Store(c + 0 * ldc);
                (va * c10).Store(c + 1 * ldc);
                (va * c20).Store(c + 2 * ldc);
                (va * c30).Store(c + 3 * ldc);
                (va * c40).Store(c + 4 * ldc);
                (va * c50).Store(c + 5 * ldc);
                (va * c60).Store(c + 6 * ldc);
                (va * c70).Store(c + 7 * ldc);
                (va * c80).Store(c + 8 * ldc);
                (va * c90).Store(c + 9 * ldc);
                (va * cA0).Store(c + 10 * ldc);
                (va * cB0).Store(c + 11 * ldc);
            }
            else
            {
                var vb = Vector512.Create(beta);
                Update(c + 0 * ldc, c00, va, vb);
                Update(c + 1 * ldc, c10, va, vb);
                Update(c + 2 * ldc, c20, va, vb);
                Update(c + 3 * ldc, c30, va, vb);
                Update(c + 4 * ldc, c40, va, vb);
                Update(c + 5 * ldc, c50, va, vb);
                Update(c + 6 * ldc, c60, va, vb);
                Update(c + 7 * ldc, c70, va, vb);
                Update(c + 8 * ldc, c80, va, vb);
                Update(c + 9 * ldc, c90, va, vb);
                Update(c + 10 * ldc, cA0, va, vb);
                Update(c + 11 * ldc, cB0, va, vb);
            }
        }
        else
        {
            float* t = stackalloc float[192];
            c00.Store(t + 0);
            c10.Store(t + 16);
            c20.Store(t + 32);
            c30.Store(t + 48);
            c40.Store(t + 64);
            c50.Store(t + 80);
            c60.Store(t + 96);
            c70.Store(t + 112);
            c80.Store(t + 128);
            c90.Store(t + 144);
            cA0.Store(t + 160);
            cB0.Store(t + 176);
            GemmEdge.Store(t, NR, c, ldc, mr, nr, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta)
        => Vector512.FusedMultiplyAdd(beta, Vector512.Load(c), alpha * acc).Store(c);
}

/// <summary>
/// AVX-512 float kernel, register tile 6×32 (6 rows × 2 Vector512): fewer loads per FMA than 12×16,
/// used for wide outputs (n ≥ 256) where the 32-column padding is negligible.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx512Float6x32 : IMicroKernel<float>
{
    public static int MR => 6;
    public static int NR => 32;

    public static void Run(int kc, float* a, nint aRow, nint aCol, float* b, nint bRow,
        float* c, nint ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        float* a0 = a;
        float* a1 = a0 + aRow;
        float* a2 = a1 + aRow;
        float* a3 = a2 + aRow;
        float* a4 = a3 + aRow;
        float* a5 = a4 + aRow;
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
            }
        }
        else
        {
            float* t = stackalloc float[192];
            c00.Store(t + 0); c01.Store(t + 16);
            c10.Store(t + 32); c11.Store(t + 48);
            c20.Store(t + 64); c21.Store(t + 80);
            c30.Store(t + 96); c31.Store(t + 112);
            c40.Store(t + 128); c41.Store(t + 144);
            c50.Store(t + 160); c51.Store(t + 176);
            GemmEdge.Store(t, NR, c, ldc, mr, nr, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta)
        => Vector512.FusedMultiplyAdd(beta, Vector512.Load(c), alpha * acc).Store(c);
}

/// <summary>
/// AVX-512 double kernel, register tile 12×8 (12 rows × 1 Vector512&lt;double&gt;): the float 12×16 layout at half width.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Avx512Double12x8 : IMicroKernel<double>
{
    public static int MR => 12;
    public static int NR => 8;

    public static void Run(int kc, double* a, nint aRow, nint aCol, double* b, nint bRow,
        double* c, nint ldc, double alpha, double beta, int mr, int nr)
    {
        Vector512<double> c00 = default;
        Vector512<double> c10 = default;
        Vector512<double> c20 = default;
        Vector512<double> c30 = default;
        Vector512<double> c40 = default;
        Vector512<double> c50 = default;
        Vector512<double> c60 = default;
        Vector512<double> c70 = default;
        Vector512<double> c80 = default;
        Vector512<double> c90 = default;
        Vector512<double> cA0 = default;
        Vector512<double> cB0 = default;
        double* a0 = a;
        double* a1 = a0 + aRow;
        double* a2 = a1 + aRow;
        double* a3 = a2 + aRow;
        double* a4 = a3 + aRow;
        double* a5 = a4 + aRow;
        double* a6 = a5 + aRow;
        double* a7 = a6 + aRow;
        double* a8 = a7 + aRow;
        double* a9 = a8 + aRow;
        double* aA = a9 + aRow;
        double* aB = aA + aRow;
        nint pa = 0; // offset of A(·, p) from each row pointer
        for (int p = 0; p < kc; p++, pa += aCol, b += bRow)
        {
            Vector512<double> b0 = Vector512.Load(b);
            Vector512<double> x;
            x = Vector512.Create(a0[pa]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            x = Vector512.Create(a1[pa]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            x = Vector512.Create(a2[pa]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            x = Vector512.Create(a3[pa]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            x = Vector512.Create(a4[pa]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            x = Vector512.Create(a5[pa]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            x = Vector512.Create(a6[pa]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            x = Vector512.Create(a7[pa]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            x = Vector512.Create(a8[pa]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80);
            x = Vector512.Create(a9[pa]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90);
            x = Vector512.Create(aA[pa]); cA0 = Vector512.FusedMultiplyAdd(x, b0, cA0);
            x = Vector512.Create(aB[pa]); cB0 = Vector512.FusedMultiplyAdd(x, b0, cB0);
        }

        if (mr == MR && nr == NR)
        {
            var va = Vector512.Create(alpha);
            if (beta == 0)
            {
                (va * c00).Store(c + 0 * ldc);
                (va * c10).Store(c + 1 * ldc);
                (va * c20).Store(c + 2 * ldc);
                (va * c30).Store(c + 3 * ldc);
                (va * c40).Store(c + 4 * ldc);
                (va * c50).Store(c + 5 * ldc);
                (va * c60).Store(c + 6 * ldc);
                (va * c70).Store(c + 7 * ldc);
                (va * c80).Store(c + 8 * ldc);
                (va * c90).Store(c + 9 * ldc);
                (va * cA0).Store(c + 10 * ldc);
                (va * cB0).Store(c + 11 * ldc);
            }
            else
            {
                var vb = Vector512.Create(beta);
                Update(c + 0 * ldc, c00, va, vb);
                Update(c + 1 * ldc, c10, va, vb);
                Update(c + 2 * ldc, c20, va, vb);
                Update(c + 3 * ldc, c30, va, vb);
                Update(c + 4 * ldc, c40, va, vb);
                Update(c + 5 * ldc, c50, va, vb);
                Update(c + 6 * ldc, c60, va, vb);
                Update(c + 7 * ldc, c70, va, vb);
                Update(c + 8 * ldc, c80, va, vb);
                Update(c + 9 * ldc, c90, va, vb);
                Update(c + 10 * ldc, cA0, va, vb);
                Update(c + 11 * ldc, cB0, va, vb);
            }
        }
        else
        {
            double* t = stackalloc double[96];
            c00.Store(t + 0);
            c10.Store(t + 8);
            c20.Store(t + 16);
            c30.Store(t + 24);
            c40.Store(t + 32);
            c50.Store(t + 40);
            c60.Store(t + 48);
            c70.Store(t + 56);
            c80.Store(t + 64);
            c90.Store(t + 72);
            cA0.Store(t + 80);
            cB0.Store(t + 88);
            GemmEdge.Store(t, NR, c, ldc, mr, nr, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(double* c, Vector512<double> acc, Vector512<double> alpha, Vector512<double> beta)
        => Vector512.FusedMultiplyAdd(beta, Vector512.Load(c), alpha * acc).Store(c);
}
