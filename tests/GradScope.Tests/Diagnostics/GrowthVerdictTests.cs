using GradScope.Diagnostics;

namespace GradScope.Tests.Diagnostics;

public class GrowthVerdictTests
{
    [Fact]
    public void Thresholds_follow_from_their_reference_depth()
    {
        Assert.Equal(1.023293, PathologyThresholds.ExplodingRatePerLayer, 6);
        Assert.Equal(0.977237, PathologyThresholds.VanishingRatePerLayer, 6);
    }

    [Fact]
    public void Selu_rate_with_a_good_fit_explodes_although_its_growth_over_fifty_layers_is_below_ten()
    {
        Assert.True(Math.Pow(1.039, 50) < 10);
        Assert.Equal(GrowthVerdict.Exploding, GrowthVerdict.Classify(1.039, 0.99, 50));
    }

    [Fact]
    public void A_fast_rate_with_a_poor_fit_is_not_called_exploding_from_the_rate_alone()
    {
        Assert.Equal(GrowthVerdict.Stable, GrowthVerdict.Classify(1.039, 0.5, 50));
        Assert.Equal(GrowthVerdict.Stable, GrowthVerdict.Classify(1.02, 0.99, 50));
    }

    [Fact]
    public void Whole_depth_growth_decides_whatever_the_fit()
    {
        Assert.Equal(GrowthVerdict.Exploding, GrowthVerdict.Classify(1.05, 0.1, 50));
        Assert.Equal(GrowthVerdict.Vanishing, GrowthVerdict.Classify(0.95, 0.1, 50));
    }

    [Fact]
    public void Vanishing_per_layer_mirrors_exploding()
    {
        Assert.Equal(GrowthVerdict.Vanishing, GrowthVerdict.Classify(0.97, 0.95, 20));
        Assert.Equal(GrowthVerdict.Stable, GrowthVerdict.Classify(0.98, 0.95, 20));
        Assert.Equal(GrowthVerdict.Undetermined, GrowthVerdict.Classify(double.NaN, 0.95, 20));
    }

    [Fact]
    public void Fit_uses_the_per_layer_rule()
    {
        var n = Enumerable.Range(1, 50).Select(x => (double)x).ToList();
        var fit = GradientScale.Fit(n, n.Select(x => x * Math.Log(1.039)).ToList(), 50, new VerdictOptions());
        Assert.Equal(1.039, fit.Rate, 9);
        Assert.Equal(GrowthVerdict.Exploding, fit.Verdict);
        var growthOnly = new VerdictOptions { ExplodingRate = double.PositiveInfinity, VanishingRate = 0 };
        Assert.Equal(GrowthVerdict.Stable, GradientScale.Fit(n, n.Select(x => x * Math.Log(1.039)).ToList(), 50, growthOnly).Verdict);
    }

    [Fact]
    public void Criterion_states_the_thresholds_in_use()
    {
        Assert.Equal("r ≥ 1.0233 or ≤ 0.9772 with R² ≥ 0.9", GrowthVerdict.PerLayerCriterion());
        Assert.Contains("r^L > 10 or (r ≥ 1.0233 per linear layer and R² ≥ 0.9)", GrowthVerdict.Criterion());
        Assert.Contains("r ≥ 1.05", GrowthVerdict.PerLayerCriterion(new VerdictOptions { ExplodingRate = 1.05 }));
    }
}
