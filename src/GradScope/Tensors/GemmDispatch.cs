namespace GradScope.Tensors;

/// <summary>
/// Picks the micro-kernel for a tier, pins the operands and runs <see cref="GemmBlocked{T, TKernel}"/>.
/// Arguments have been validated by
/// <see cref="Gemm.Multiply{T}(Op, Op, int, int, int, T, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, T, Span{T}, int)"/>.
/// </summary>
internal static unsafe class GemmDispatch
{
    public static void Float(GemmTier tier, Op opA, Op opB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        bool parallel = !KernelSettings.Current.GemmSingleThreaded;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (tier == GemmTier.Avx512)
                GemmBlocked<float, Avx512Float6x32>.Multiply(opA, opB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, parallel);
            else
                GemmBlocked<float, Avx2Float6x16>.Multiply(opA, opB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, parallel);
        }
    }

    public static void Double(GemmTier tier, Op opA, Op opB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        bool parallel = !KernelSettings.Current.GemmSingleThreaded;
        fixed (double* pa = a, pb = b, pc = c)
        {
            if (tier == GemmTier.Avx512)
                GemmBlocked<double, Avx512Double6x16>.Multiply(opA, opB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, parallel);
            else
                GemmBlocked<double, Avx2Double6x8>.Multiply(opA, opB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, parallel);
        }
    }
}
