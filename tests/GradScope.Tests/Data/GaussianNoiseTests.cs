using GradScope.Data;

namespace GradScope.Tests.Data;

public class GaussianNoiseTests
{
    [Fact]
    public void Same_seed_same_values_and_float_matches_double()
    {
        var a = GaussianNoise.Sample<float>(8, 5, seed: 42);
        var b = GaussianNoise.Sample<float>(8, 5, seed: 42);
        var d = GaussianNoise.Sample<double>(8, 5, seed: 42);
        var other = GaussianNoise.Sample<float>(8, 5, seed: 43);
        Assert.Equal(a.Span.ToArray(), b.Span.ToArray());
        Assert.NotEqual(a.Span.ToArray(), other.Span.ToArray());
        for (int i = 0; i < a.Length; i++) Assert.Equal((float)d.Span[i], a.Span[i]);
    }

    [Fact]
    public void Entries_are_standard_normal()
    {
        var m = GaussianNoise.Sample<double>(200, 100, seed: 1);
        double mean = m.Span.ToArray().Average();
        double variance = m.Span.ToArray().Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, 0.96, 1.04);
    }

    [Fact]
    public void Dataset_has_random_labels_in_range_or_all_zero()
    {
        var noisy = GaussianNoise.Create(500, 7, seed: 3, classes: 4);
        Assert.Equal(500, noisy.Count);
        Assert.Equal(7, noisy.Features);
        Assert.All(noisy.Labels, l => Assert.InRange(l, 0, 3));
        Assert.Equal(4, noisy.Labels.Distinct().Count());

        var plain = GaussianNoise.Create(10, 7, seed: 3, randomLabels: false);
        Assert.All(plain.Labels, l => Assert.Equal(0, l));
        // Inputs do not depend on whether labels were drawn.
        Assert.Equal(noisy.Inputs.Span[..70].ToArray(), plain.Inputs.Span.ToArray());
    }
}
