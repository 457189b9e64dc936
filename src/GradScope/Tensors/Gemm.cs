using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    {
        if (m <= 0 || n <= 0) return;
        GemmTier tier = GemmTiers.Active;
        if (k <= 0 || tier == GemmTier.Scalar || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
        {
            GemmReference.Multiply(opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        // The fast paths use raw pointers: check every operand's extent up front (the reference relies on
        // span bounds checks instead).
        CheckOperand(nameof(a), a.Length, opA == Op.None ? m : k, opA == Op.None ? k : m, lda);
        CheckOperand(nameof(b), b.Length, opB == Op.None ? k : n, opB == Op.None ? n : k, ldb);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
        if (typeof(T) == typeof(float))
            GemmDispatch.Float(tier, opA, opB, m, n, k, Unsafe.As<T, float>(ref alpha),
                MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                Unsafe.As<T, float>(ref beta), MemoryMarshal.Cast<T, float>(c), ldc);
        else
            GemmDispatch.Double(tier, opA, opB, m, n, k, Unsafe.As<T, double>(ref alpha),
                MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb,
                Unsafe.As<T, double>(ref beta), MemoryMarshal.Cast<T, double>(c), ldc);
    }

    /// <summary>
    /// Packs op(B) (k × n; B stored with row stride ldb) for products at the current tier that all multiply by it
    /// (<see cref="Multiply{T}(Op, int, int, int, T, ReadOnlySpan{T}, int, PackedMatrix{T}, T, Span{T}, int)"/>).
    /// </summary>
    public static void Pack<T>(Op opB, int k, int n, ReadOnlySpan<T> b, int ldb, PackedMatrix<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (k <= 0 || n <= 0) throw new ArgumentException($"Cannot pack a {k}×{n} operand.");
        CheckOperand(nameof(b), b.Length, opB == Op.None ? k : n, opB == Op.None ? n : k, ldb);
        GemmTier tier = KernelsFor<T>();
        if (tier == GemmTier.Scalar)
        {
            packed.Prepare(tier, k, n, k * n);
            var dst = packed.Buffer.AsSpan(0, k * n);
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++) dst[p * n + j] = opB == Op.None ? b[p * ldb + j] : b[j * ldb + p];
            return;
        }
        int length = GemmDispatch.PackedLength<T>(tier, k, n);
        packed.Prepare(tier, k, n, length);
        GemmDispatch.Pack(tier, opB, k, n, b, ldb, packed.Buffer.AsSpan(0, length));
    }

    /// <summary>C = α·op(A)·B + β·C, B packed by <see cref="Pack{T}"/> at the current tier (a k × n op(B)).</summary>
    public static void Multiply<T>(Op opA, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda, PackedMatrix<T> b,
        T beta, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmTier tier = KernelsFor<T>();
        if (!b.IsPacked || b.K != k || b.N != n || b.Tier != tier)
            throw new InvalidOperationException($"The packed operand ({b.K}×{b.N}, {b.Tier}, packed {b.IsPacked}) does not fit a " +
                                                $"{k}×{n} operand at tier {tier}.");
        if (m <= 0) return;
        CheckOperand(nameof(a), a.Length, opA == Op.None ? m : k, opA == Op.None ? k : m, lda);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
        if (tier == GemmTier.Scalar) GemmReference.Multiply(opA, Op.None, m, n, k, alpha, a, lda, b.Buffer, n, beta, c, ldc);
        else GemmDispatch.MultiplyPacked(tier, opA, m, n, k, alpha, a, lda, b.Buffer, beta, c, ldc);
    }

    /// <summary>The active tier, or scalar for element types without kernels.</summary>
    private static GemmTier KernelsFor<T>() =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) ? GemmTiers.Active : GemmTier.Scalar;

    private static void CheckOperand(string name, int length, int rows, int cols, int ld)
    {
        if (ld < cols || (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"Operand {name}: {rows}×{cols} with row stride {ld} does not fit in {length} elements.", name);
    }

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
