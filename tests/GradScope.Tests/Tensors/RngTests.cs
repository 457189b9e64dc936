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
