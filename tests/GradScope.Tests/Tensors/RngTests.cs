using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

public class RngTests
{
    /// <summary>The bulk fill is the scalar twin's sequence: same values, same order, same state after (spare included).</summary>
    [Theory]
    [InlineData(0, 7)]
    [InlineData(1, 8)]
    [InlineData(1, 9)]
    [InlineData(3, 1)]
    [InlineData(2, 0)]
    [InlineData(1, 1001)]
    [InlineData(0, 4096)]
    public void Bulk_gaussian_fill_equals_successive_draws(int before, int length)
    {
        var bulk = new Rng(11);
        var single = new Rng(11);
        // Draws before leave a spare (odd count) or not (even count).
        for (int i = 0; i < before; i++) Assert.Equal(single.NextGaussian(), bulk.NextGaussian());
        var filled = new double[length];
        bulk.FillGaussian(filled);
        var expected = Enumerable.Range(0, length).Select(_ => single.NextGaussian()).ToArray();
        Assert.Equal(expected, filled);
        // The generators continue alike: spare, uniform draws and further deviates.
        for (int i = 0; i < 5; i++) Assert.Equal(single.NextGaussian(), bulk.NextGaussian());
        Assert.Equal(single.NextUInt64(), bulk.NextUInt64());
    }

    /// <summary>The polar points drawn in sequence and finished in any pieces, on any thread, are the bulk fill.</summary>
    [Theory]
    [InlineData(0, 2001)]
    [InlineData(1, 2000)]
    public void Polar_points_finished_in_pieces_equal_the_bulk_fill(int before, int length)
    {
        var bulk = new Rng(5);
        var split = new Rng(5);
        for (int i = 0; i < before; i++) Assert.Equal(bulk.NextGaussian(), split.NextGaussian());
        var expected = new double[length];
        bulk.FillGaussian(expected);
        var pieces = new double[length];
        var (start, count) = split.DrawGaussianPairs(pieces);
        Assert.Equal(before % 2, start); // a spare is already a deviate
        Assert.Equal((length - start) / 2 * 2, count);
        var pairs = pieces.AsSpan(start, count);
        Rng.FinishGaussianPairs(pairs[600..]);
        Rng.FinishGaussianPairs(pairs[..600]);
        Assert.Equal(expected, pieces);
        Assert.Equal(bulk.NextGaussian(), split.NextGaussian());
        Assert.Equal(bulk.NextUInt64(), split.NextUInt64());
    }

    [Fact]
    public void Gaussian_draws_have_unit_variance()
    {
        var draws = new double[200_000];
        new Rng(3).FillGaussian(draws);
        double mean = draws.Average(), variance = draws.Select(d => (d - mean) * (d - mean)).Average();
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
    }
}
