using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

/// <summary>
/// Products with a pre-packed right operand (<see cref="Gemm.Pack{T}"/>) give exactly what the same product with the
/// operand packed inside the GEMM gives, on every tier, at sizes across the panel widths and K blocks; the scalar tier
/// (the plain layout read by <see cref="GemmReference"/>) is checked against the reference triple loop.
/// </summary>
public class PackedGemmTests
{
    public static TheoryData<string> Tiers => new() { nameof(GemmTier.Scalar), nameof(GemmTier.Avx2), nameof(GemmTier.Avx512) };

    private static T[] Random<T>(int length, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < x.Length; i++) x[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static void Check<T>(GemmTier tier, Op opA, Op opB, int m, int n, int k, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng((ulong)(m * 1000003 + n * 1009 + k));
        T[] a = Random<T>(m * k, rng), b = Random<T>(k * n, rng), c0 = Random<T>(m * n, rng);
        int lda = opA == Op.None ? k : m, ldb = opB == Op.None ? n : k;
        var expected = (T[])c0.Clone();
        var actual = (T[])c0.Clone();
        using var scope = KernelSettings.Use(new KernelSettings(GemmTier: tier));
        if (tier == GemmTier.Scalar) GemmReference.Multiply(opA, opB, m, n, k, T.One, a, lda, b, ldb, beta, expected, n);
        else Gemm.Multiply(opA, opB, m, n, k, T.One, a, lda, b, ldb, beta, expected, n);
        var packed = new PackedMatrix<T>();
        Gemm.Pack(opB, k, n, b, ldb, packed);
        Gemm.Multiply(opA, m, n, k, T.One, a, lda, packed, beta, actual, n);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(actual[i]),
                $"{tier} {typeof(T).Name} {opA}{opB} m={m} n={n} k={k} β={beta}: C[{i}] packed {actual[i]}, in place {expected[i]}");
    }

    [Theory, MemberData(nameof(Tiers))]
    public void Packed_products_equal_products_packing_in_place(string tierName)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        bool native = tier == GemmTier.Scalar || (tier == GemmTier.Avx2 && GemmTiers.HasAvx2)
            || (tier == GemmTier.Avx512 && GemmTiers.HasAvx512);
        int[] sizes = native ? [1, 5, 7, 15, 16, 17, 31, 32, 33, 100] : [1, 17, 33];
        foreach (var opA in new[] { Op.None, Op.Transpose })
            foreach (var opB in new[] { Op.None, Op.Transpose })
                foreach (int s in sizes)
                {
                    Check(tier, opA, opB, 13, s, 29, 0f);
                    Check(tier, opA, opB, s, 37, 29, 1f);
                    Check(tier, opA, opB, 9, 21, s, 0.0);
                }
        // K blocks (784 = 4 × 196 floats, 300 = 2 × 150 doubles) and a column count above one column block.
        Check(tier, Op.None, Op.Transpose, 64, 100, native ? 784 : 300, 0f);
        Check(tier, Op.None, Op.None, 64, native ? 300 : 40, 300, 1.0);
    }

    [Fact]
    public void A_stale_or_mismatched_packing_is_refused()
    {
        var packed = new PackedMatrix<float>();
        var b = new float[6 * 4];
        Gemm.Pack(Op.None, 6, 4, b, 4, packed);
        var c = new float[2 * 4];
        Assert.Throws<InvalidOperationException>(() => Gemm.Multiply(Op.None, 2, 4, 5, 1f, new float[10], 5, packed, 0f, c, 4));
        packed.Invalidate();
        Assert.Throws<InvalidOperationException>(() => Gemm.Multiply(Op.None, 2, 4, 6, 1f, new float[12], 6, packed, 0f, c, 4));
    }
}
