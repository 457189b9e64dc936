using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

/// <summary>
/// The fast GEMM paths against <see cref="GemmReference"/> evaluated in double precision. Every test runs on
/// every tier (forced per thread with <see cref="KernelSettings.GemmTier"/>; tiers the CPU lacks are emulated by the
/// JIT, so they are slow and get only the smaller cases).
/// </summary>
public class GemmTests
{
    // Tiers are passed by name because GemmTier is internal (xunit theories must be public).
    public static TheoryData<string> Tiers => new() { nameof(GemmTier.Scalar), nameof(GemmTier.Avx2), nameof(GemmTier.Avx512) };

    private static readonly int[] EdgeSizes = [0, 1, 5, 6, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129];

    private static bool Native(GemmTier tier) =>
        tier == GemmTier.Scalar || (tier == GemmTier.Avx2 && GemmTiers.HasAvx2) || (tier == GemmTier.Avx512 && GemmTiers.HasAvx512);

    /// <summary>One product, checked. ldX = stored columns + pad, so pad &gt; 0 tests strided operands.</summary>
    private static void Check<T>(GemmTier tier, Op opA, Op opB, int m, int n, int k, T alpha, T beta, int pad = 0, int seed = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng((ulong)seed);
        int aRows = opA == Op.None ? m : k, aCols = opA == Op.None ? k : m;
        int bRows = opB == Op.None ? k : n, bCols = opB == Op.None ? n : k;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        T[] a = Random<T>(Math.Max(0, (aRows - 1) * lda + aCols), rng);
        T[] b = Random<T>(Math.Max(0, (bRows - 1) * ldb + bCols), rng);
        T[] c = Random<T>(Math.Max(0, (m - 1) * ldc + n), rng);
        if (beta == T.Zero) c.AsSpan().Fill(T.NaN); // β = 0 must overwrite, never read
        T[] c0 = (T[])c.Clone();

        using (KernelSettings.Use(KernelSettings.Current with { GemmTier = tier }))
            Gemm.Multiply(opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

        // Reference in double, with an error bound from the sum of |terms| (float accumulation over k terms).
        double eps = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
        double al = double.CreateChecked(alpha), be = double.CreateChecked(beta);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = double.CreateChecked(opA == Op.None ? a[i * lda + p] : a[p * lda + i]);
                    double bv = double.CreateChecked(opB == Op.None ? b[p * ldb + j] : b[j * ldb + p]);
                    sum += av * bv;
                    abs += Math.Abs(av * bv);
                }
                double cOld = beta == T.Zero ? 0 : double.CreateChecked(c0[i * ldc + j]);
                double expected = al * sum + be * cOld;
                double bound = 4 * (k + 2) * eps * (Math.Abs(al) * abs + Math.Abs(be * cOld)) + 1e-30;
                double got = double.CreateChecked(c[i * ldc + j]);
                Assert.True(Math.Abs(got - expected) <= bound,
                    $"{tier} {opA}{opB} m={m} n={n} k={k} α={al} β={be} pad={pad}: C[{i},{j}] = {got}, expected {expected} ± {bound}");
            }
            // Padding between rows of C is never written.
            for (int j = n; j < ldc && i < m - 1; j++)
                Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
        }
    }

    private static T[] Random<T>(int length, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < x.Length; i++) x[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static IEnumerable<(Op, Op)> AllOps()
    {
        foreach (var opA in new[] { Op.None, Op.Transpose })
            foreach (var opB in new[] { Op.None, Op.Transpose })
                yield return (opA, opB);
    }

    [Theory, MemberData(nameof(Tiers))]
    public void EdgeSizes_EachDimension_Float(string tierName)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        int[] sizes = Native(tier) ? EdgeSizes : [0, 1, 7, 17, 33];
        foreach (var (opA, opB) in AllOps())
            foreach (int s in sizes)
            {
                Check(tier, opA, opB, s, 37, 29, 1f, 0f, seed: s);
                Check(tier, opA, opB, 41, s, 29, 1f, 0f, seed: s);
                Check(tier, opA, opB, 41, 37, s, 1f, 0f, seed: s);
            }
    }

    [Theory, MemberData(nameof(Tiers))]
    public void EdgeSizes_EachDimension_Double(string tierName)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        int[] sizes = Native(tier) ? EdgeSizes : [0, 1, 9, 17];
        foreach (var (opA, opB) in AllOps())
            foreach (int s in sizes)
            {
                Check(tier, opA, opB, s, 37, 29, 1.0, 0.0, seed: s);
                Check(tier, opA, opB, 41, s, 29, 1.0, 0.0, seed: s);
                Check(tier, opA, opB, 41, 37, s, 1.0, 0.0, seed: s);
            }
    }

    [Theory, MemberData(nameof(Tiers))]
    public void AlphaBeta_AndStridedOperands(string tierName)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        foreach (var (opA, opB) in AllOps())
            foreach (var (alpha, beta) in new[] { (1.0, 0.0), (1.0, 1.0), (-0.5, 0.0), (-0.5, 1.0), (2.0, -0.75) })
                foreach (int pad in new[] { 0, 3 })
                {
                    Check(tier, opA, opB, 23, 35, 19, (float)alpha, (float)beta, pad);
                    Check(tier, opA, opB, 19, 13, 21, alpha, beta, pad);
                }
    }

    /// <summary>K larger than one K block (β applied once, then accumulation), and n wider than one column block.</summary>
    [Fact]
    public void MultipleKAndColumnBlocks()
    {
        var tier = GemmTiers.Detected;
        foreach (var (opA, opB) in AllOps())
        {
            Check(tier, opA, opB, 13, 21, 700, 1f, 1f);
            Check(tier, opA, opB, 7, 530, 33, -0.5f, 1f, pad: 5);
            Check(tier, opA, opB, 13, 150, 300, 1.0, 1.0);
        }
    }

    /// <summary>Shapes above the parallel threshold, in every variant, including row and column splits.</summary>
    [Fact]
    public void LargeShapes_ParallelPath()
    {
        var tier = GemmTiers.Detected;
        Check(tier, Op.None, Op.Transpose, 300, 100, 100, 1f, 0f);     // forward, row split
        Check(tier, Op.None, Op.None, 130, 400, 100, 1f, 1f);         // input gradient, column split
        Check(tier, Op.Transpose, Op.None, 100, 100, 1000, 1f, 0f);   // weight gradient, long k
        Check(tier, Op.Transpose, Op.Transpose, 131, 97, 203, -0.5f, 1f, pad: 2);
        Check(tier, Op.None, Op.Transpose, 257, 129, 100, 1.0, 0.0);  // double, row split
    }

    [Fact]
    public void SteadyState_DoesNotAllocate()
    {
        var a = new float[1000 * 100];
        var b = new float[100 * 100];
        var c = new float[1000 * 100];
        void Run()
        {
            Gemm.Multiply(Op.None, Op.Transpose, 1000, 100, 100, 1f, a, 100, b, 100, 0f, c, 100);
            Gemm.Multiply(Op.Transpose, Op.None, 100, 100, 1000, 1f, c, 100, a, 100, 0f, b, 100);
        }
        for (int i = 0; i < 5; i++) Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>
    /// The AVX2 and AVX-512 tiers give the same bits for the same product, also where one tier computes a column with
    /// its row-vector micro-kernel and the other with its column tail (n = 784: the last 16 columns are a tail of the
    /// 32-wide panels but a full 16-wide panel), across K blocks (k = 700) and with α ≠ 1, β ∉ {0, 1}.
    /// </summary>
    [Theory]
    [InlineData(64, 100, 100)]
    [InlineData(37, 4, 29)]
    [InlineData(100, 20, 64)]
    [InlineData(23, 784, 700)]
    [InlineData(70, 100, 784)]
    public void Vector_tiers_give_bit_identical_products(int m, int n, int k)
    {
        CheckTiersAgree<float>(m, n, k);
        CheckTiersAgree<double>(m, n, k); // the double column tail packs op(A) by 4×4 transposes
    }

    private static void CheckTiersAgree<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var (opA, opB) in AllOps())
            foreach (var (alpha, beta) in new[] { (1.0, 0.0), (1.0, 1.0), (-0.5, 0.75) })
            {
                var rng = new Rng((ulong)(m + n + k));
                T[] a = Random<T>(m * k, rng), b = Random<T>(k * n, rng), c0 = Random<T>(m * n, rng);
                int lda = opA == Op.None ? k : m, ldb = opB == Op.None ? n : k;
                T[] Product(GemmTier tier)
                {
                    var c = (T[])c0.Clone();
                    using (KernelSettings.Use(KernelSettings.Current with { GemmTier = tier }))
                        Gemm.Multiply(opA, opB, m, n, k, T.CreateChecked(alpha), a, lda, b, ldb, T.CreateChecked(beta), c, n);
                    return c;
                }
                T[] narrow = Product(GemmTier.Avx2), wide = Product(GemmTier.Avx512);
                for (int i = 0; i < narrow.Length; i++)
                    Assert.True(narrow[i].Equals(wide[i]), $"{typeof(T).Name} {opA}{opB} {m}×{n}×{k} α={alpha} β={beta}: " +
                        $"C[{i / n},{i % n}] AVX2 {narrow[i]}, AVX-512 {wide[i]}");
            }
    }

    [Fact]
    public unsafe void Double_transposed_panel_pack_is_an_exact_copy()
    {
        // kc = 30: 7 blocks of 4 k values, the 2 left are the caller's; the panel's 16 columns are four 4-row blocks.
        const int rows = 40, ldb = 37, nr = 16, jq = 8, pc = 5, kc = 30, packed = 28;
        var rng = new Rng(17);
        double[] b = Random<double>(rows * ldb, rng);
        var dst = new double[kc * nr];
        fixed (double* d = dst, src = b)
            for (int jj = 0; jj < nr; jj += 4) GemmPack.TransposeDouble4x4Block(d + jj, nr, src, ldb, pc, 0, packed, jq + jj);
        for (int p = 0; p < packed; p++)
            for (int j = 0; j < nr; j++)
                Assert.Equal(b[(jq + j) * ldb + pc + p], dst[p * nr + j]);
        Assert.All(dst.Skip(packed * nr), v => Assert.Equal(0.0, v)); // the rest is the caller's
    }

    [Fact]
    public unsafe void Four_row_transposes_copy_exactly_into_a_strided_panel()
    {
        if (!System.Runtime.Intrinsics.X86.Avx.IsSupported) return; // the callers use them only with AVX
        const int ldb = 37, stride = 16, jq = 3, pc = 2, p0 = 4, p1 = 24; // columns 5 … 8 of a 16-wide panel
        var rng = new Rng(23);
        float[] bf = Random<float>(12 * ldb, rng);
        double[] bd = Random<double>(12 * ldb, rng);
        var df = new float[p1 * stride];
        var dd = new double[p1 * stride];
        fixed (float* d = df, src = bf) GemmPack.TransposeFloat4x4(d + 5, stride, src, ldb, pc, p0, p1, jq);
        fixed (double* d = dd, src = bd) GemmPack.TransposeDouble4x4Block(d + 5, stride, src, ldb, pc, p0, p1, jq);
        for (int p = 0; p < p1; p++)
            for (int j = 0; j < stride; j++)
            {
                bool inBlock = p >= p0 && j >= 5 && j < 9;
                Assert.Equal(inBlock ? bf[(jq + j - 5) * ldb + pc + p] : 0f, df[p * stride + j]);
                Assert.Equal(inBlock ? bd[(jq + j - 5) * ldb + pc + p] : 0.0, dd[p * stride + j]);
            }
    }

    /// <summary>Transposed right operands whose last panel is partial (a column tail or a padded micro-kernel panel) and
    /// whose k is not a multiple of 8 give the same bits as the same operand stored plainly: the transposing packer (8×8 and
    /// 4×4 blocks, a scalar rest, padding only what its reader loads) and the plain one build the same panels.</summary>
    [Theory]
    [InlineData(10, 100)]
    [InlineData(100, 100)]
    [InlineData(27, 53)]
    [InlineData(45, 30)]
    public void Transposed_partial_panels_match_the_plain_operand(int n, int k)
    {
        Same<float>(n, k);
        Same<double>(n, k);

        static void Same<T>(int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
        {
            const int m = 50;
            var rng = new Rng(29);
            T[] a = Random<T>(m * k, rng), bt = Random<T>(n * k, rng), b = new T[k * n];
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) b[p * n + j] = bt[j * k + p];
            foreach (var tier in new[] { GemmTier.Avx2, GemmTier.Avx512 }.Where(Native))
            {
                T[] plain = new T[m * n], transposed = new T[m * n];
                using (KernelSettings.Use(KernelSettings.Current with { GemmTier = tier }))
                {
                    Gemm.Multiply(Op.None, Op.None, m, n, k, T.One, a, k, b, n, T.Zero, plain, n);
                    Gemm.Multiply(Op.None, Op.Transpose, m, n, k, T.One, a, k, bt, k, T.Zero, transposed, n);
                }
                Assert.Equal(plain, transposed);
            }
        }
    }

    [Fact]
    public void MatrixOverload_ChecksShapes()
    {
        var a = new Matrix<float>(3, 4);
        var b = new Matrix<float>(5, 4);
        var c = new Matrix<float>(3, 5);
        Gemm.Multiply(a, Op.None, b, Op.Transpose, c, 1f, 0f);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, Op.None, b, Op.None, c, 1f, 0f));
    }

    [Fact]
    public void TooShortOperand_Throws()
    {
        var a = new float[10];
        var b = new float[100];
        var c = new float[100];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(Op.None, Op.None, 10, 10, 10, 1f, a, 10, b, 10, 0f, c, 10));
    }
}
