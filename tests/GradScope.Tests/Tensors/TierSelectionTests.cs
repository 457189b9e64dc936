using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

public class TierSelectionTests
{
    [Fact]
    public void The_measured_choice_is_a_tier_this_cpu_supports()
    {
        var (gemm, vector, description) = TierSelection.Choose(null);
        Assert.True(gemm <= GemmTiers.Detected, description);
        Assert.True(vector <= ElementWise.Detected, description);
        if (GemmTiers.HasAvx512) Assert.StartsWith("measured: ", description);
    }

    [Fact]
    public void A_requested_tier_replaces_the_measurement_when_the_cpu_has_it()
    {
        var (gemm, vector, description) = TierSelection.Choose("scalar");
        Assert.Equal((GemmTier.Scalar, VectorTier.Scalar), (gemm, vector));
        Assert.Contains("GRADSCOPE_TIER", description);
        if (GemmTiers.HasAvx2)
            Assert.Equal((GemmTier.Avx2, VectorTier.Vector256), TierSelection.Choose("AVX2") is var (g, v, _) ? (g, v) : default);
    }

    [Fact]
    public void An_unknown_request_is_measured_instead_and_named_in_the_description()
    {
        var (gemm, _, description) = TierSelection.Choose("avx1024");
        Assert.True(gemm <= GemmTiers.Detected);
        Assert.EndsWith("GRADSCOPE_TIER=avx1024 not available here", description);
    }
}
