using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

/// <summary>Every tier of the row reductions gives the scalar twin's sums bit for bit, at lengths across every vector
/// and lane-block boundary, and the twin itself is a sum (checked against a plain double sum).</summary>
public class RowReductionsTests
{
    public static TheoryData<int> Lengths() => [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100, 127, 128, 129, 784];

    private static T[] Random<T>(int n, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(seed);
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = T.CreateTruncating(3 * rng.NextGaussian() + 0.5);
        return a;
    }

    private static void Check<T>(int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Random<T>(n, 1), b = Random<T>(n, 2), h = Random<T>(n, 3);
        double mean = n == 0 ? 0 : x.Sum(v => double.CreateTruncating(v)) / n;
        double sum = RowReductionsReference.SumWidened<T>(x);
        double squares = RowReductionsReference.SumSquaredDeviationWidened<T>(x, mean);
        var (g, gh) = RowReductionsReference.ProductSums<T>(x, b, h);

        Assert.Equal(x.Sum(v => double.CreateTruncating(v)), sum, 1e-9 * Math.Max(1, n));
        Assert.Equal(x.Sum(v => Math.Pow(double.CreateTruncating(v) - mean, 2)), squares, 1e-9 * Math.Max(1, n));
        double tol = typeof(T) == typeof(float) ? 1e-4 : 1e-12;
        double plainG = 0, plainGH = 0;
        for (int j = 0; j < n; j++)
        {
            double gj = double.CreateTruncating(x[j] * b[j]);
            plainG += gj;
            plainGH += gj * double.CreateTruncating(h[j]);
        }
        Assert.Equal(plainG, double.CreateTruncating(g), tol * Math.Max(1, n) * 10);
        Assert.Equal(plainGH, double.CreateTruncating(gh), tol * Math.Max(1, n) * 30);

        foreach (var tier in new[] { VectorTier.Scalar, VectorTier.Vector256, VectorTier.Vector512 })
        {
            using var scope = KernelSettings.Use(new KernelSettings(VectorTier: tier));
            double[] tierSum = new double[1], tierSquares = new double[1];
            RowReductions.SumsWidened<T>(x, n, tierSum);
            RowReductions.SumSquaredDeviationsWidened<T>(x, n, [mean], tierSquares);
            Assert.Equal(BitConverter.DoubleToInt64Bits(sum), BitConverter.DoubleToInt64Bits(tierSum[0]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(squares), BitConverter.DoubleToInt64Bits(tierSquares[0]));
            T[] tg = new T[1], tgh = new T[1];
            RowReductions.ProductSumsRows<T>(x, b, h, n, tg, tgh);
            Assert.True(tg[0].Equals(g) && tgh[0].Equals(gh), $"{typeof(T).Name} n={n} {tier}: ({tg[0]}, {tgh[0]}) vs ({g}, {gh})");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Float_tiers_match_the_scalar_twin_bit_for_bit(int n) => Check<float>(n);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Double_tiers_match_the_scalar_twin_bit_for_bit(int n) => Check<double>(n);

    private static void CheckRows<T>(int dim) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int rows in new[] { 1, 3, RowReductions.RowGroup - 1, RowReductions.RowGroup, RowReductions.RowGroup + 1, 21 })
        {
            T[] x = Random<T>(rows * dim, (ulong)(rows * 1000 + dim));
            T[] gamma = Random<T>(dim, 7), h = Random<T>(rows * dim, (ulong)(rows * 1000 + dim + 1));
            var means = new double[rows];
            var expectedSums = new double[rows];
            var expectedSquares = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                var row = x.AsSpan(r * dim, dim);
                expectedSums[r] = RowReductionsReference.SumWidened<T>(row);
                means[r] = dim == 0 ? 0 : expectedSums[r] / dim - 0.25;
                expectedSquares[r] = RowReductionsReference.SumSquaredDeviationWidened<T>(row, means[r]);
            }
            foreach (var tier in new[] { VectorTier.Scalar, VectorTier.Vector256, VectorTier.Vector512 })
            {
                using var scope = KernelSettings.Use(new KernelSettings(VectorTier: tier));
                var sums = new double[rows];
                var squares = new double[rows];
                RowReductions.SumsWidened<T>(x, dim, sums);
                RowReductions.SumSquaredDeviationsWidened<T>(x, dim, means, squares);
                var productSums = new T[rows];
                var productDots = new T[rows];
                RowReductions.ProductSumsRows<T>(gamma, x, h, dim, productSums, productDots);
                for (int r = 0; r < rows; r++)
                {
                    var (g, gh) = RowReductionsReference.ProductSums<T>(gamma, x.AsSpan(r * dim, dim), h.AsSpan(r * dim, dim));
                    Assert.True(productSums[r].Equals(g) && productDots[r].Equals(gh),
                        $"{typeof(T).Name} {rows}×{dim} {tier} row {r}: products ({productSums[r]}, {productDots[r]}) vs ({g}, {gh})");
                    Assert.True(BitConverter.DoubleToInt64Bits(sums[r]) == BitConverter.DoubleToInt64Bits(expectedSums[r]),
                        $"{typeof(T).Name} {rows}×{dim} {tier} row {r}: sum {sums[r]:R} vs {expectedSums[r]:R}");
                    Assert.True(BitConverter.DoubleToInt64Bits(squares[r]) == BitConverter.DoubleToInt64Bits(expectedSquares[r]),
                        $"{typeof(T).Name} {rows}×{dim} {tier} row {r}: squares {squares[r]:R} vs {expectedSquares[r]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Float_row_block_sums_match_the_scalar_twin_row_by_row(int dim) => CheckRows<float>(dim);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Double_row_block_sums_match_the_scalar_twin_row_by_row(int dim) => CheckRows<double>(dim);
}
