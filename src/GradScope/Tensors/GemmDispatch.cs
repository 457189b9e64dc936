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
                GemmBlocked<float, Avx512Float8x32>.Multiply(opA, opB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, parallel);
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

    /// <summary>Packs op(B) for the tier's float or double kernels; <paramref name="dst"/> has been shaped.</summary>
    public static void Pack<T>(GemmTier tier, Op opB, int k, int n, ReadOnlySpan<T> b, int ldb, Span<T> dst)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        fixed (T* pb = b, pd = dst)
        {
            if (typeof(T) == typeof(float))
            {
                if (tier == GemmTier.Avx512) GemmBlocked<float, Avx512Float8x32>.Pack(opB, k, n, (float*)pb, ldb, (float*)pd);
                else GemmBlocked<float, Avx2Float6x16>.Pack(opB, k, n, (float*)pb, ldb, (float*)pd);
            }
            else if (tier == GemmTier.Avx512)
                GemmBlocked<double, Avx512Double6x16>.Pack(opB, k, n, (double*)pb, ldb, (double*)pd);
            else GemmBlocked<double, Avx2Double6x8>.Pack(opB, k, n, (double*)pb, ldb, (double*)pd);
        }
    }

    /// <summary>Elements the tier's packing of a k × n op(B) takes.</summary>
    public static int PackedLength<T>(GemmTier tier, int k, int n) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return tier == GemmTier.Avx512
                ? GemmBlocked<float, Avx512Float8x32>.PackedLength(k, n)
                : GemmBlocked<float, Avx2Float6x16>.PackedLength(k, n);
        return tier == GemmTier.Avx512
            ? GemmBlocked<double, Avx512Double6x16>.PackedLength(k, n)
            : GemmBlocked<double, Avx2Double6x8>.PackedLength(k, n);
    }

    /// <summary>C = α·op(A)·B + β·C with B packed by <see cref="Pack{T}"/> for the same tier.</summary>
    public static void MultiplyPacked<T>(GemmTier tier, Op opA, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> packed, T beta, Span<T> c, int ldc) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        bool parallel = !KernelSettings.Current.GemmSingleThreaded;
        fixed (T* pa = a, pp = packed, pc = c)
        {
            if (typeof(T) == typeof(float))
            {
                float al = float.CreateTruncating(alpha), be = float.CreateTruncating(beta);
                float* fa = (float*)pa, fp = (float*)pp, fc = (float*)pc;
                if (tier == GemmTier.Avx512)
                    GemmBlocked<float, Avx512Float8x32>.MultiplyPacked(opA, m, n, k, al, fa, lda, fp, be, fc, ldc, parallel);
                else
                    GemmBlocked<float, Avx2Float6x16>.MultiplyPacked(opA, m, n, k, al, fa, lda, fp, be, fc, ldc, parallel);
            }
            else
            {
                double al = double.CreateTruncating(alpha), be = double.CreateTruncating(beta);
                double* da = (double*)pa, dp = (double*)pp, dc = (double*)pc;
                if (tier == GemmTier.Avx512)
                    GemmBlocked<double, Avx512Double6x16>.MultiplyPacked(opA, m, n, k, al, da, lda, dp, be, dc, ldc, parallel);
                else
                    GemmBlocked<double, Avx2Double6x8>.MultiplyPacked(opA, m, n, k, al, da, lda, dp, be, dc, ldc, parallel);
            }
        }
    }
}
