using GradScope.Limits;
using GradScope.Networks;

namespace GradScope.Tests.Limits;

public class MemoryBudgetTests
{
    [Fact]
    public void Products_saturate_instead_of_overflowing()
    {
        Assert.Equal(100_000L * 100_000 * 50, MemoryBudget.Product(100_000, 100_000, 50));
        Assert.Equal(long.MaxValue, MemoryBudget.Product(1L << 40, 1L << 40));
        Assert.Equal(long.MaxValue, MemoryBudget.Sum(long.MaxValue - 1, 5));
        Assert.Equal(long.MaxValue, MemoryBudget.Product(-1, 5));
    }

    [Fact]
    public void Request_over_the_usable_memory_says_how_much_it_needs()
    {
        var e = Assert.Throws<ResourceLimitException>(() => MemoryBudget.Require(3L << 30, "the thing", availableBytes: 2L << 30));
        Assert.StartsWith("the thing would need 3 GB of memory; this machine allows 1.6 GB", e.Message);
        MemoryBudget.Require(1L << 30, "the thing", availableBytes: 2L << 30);
    }

    [Theory]
    [InlineData("4GB", 4L << 30)]
    [InlineData("512mb", 512L << 20)]
    [InlineData("1000", 1000L)]
    [InlineData("lots", null)]
    [InlineData("", null)]
    public void Memory_limit_is_read_from_the_environment_format(string text, long? bytes) =>
        Assert.Equal(bytes, MemoryBudget.ParseLimit(text));

    [Fact]
    public void Parameter_count_is_exact_for_a_plain_network_and_64_bit_for_a_huge_one()
    {
        var spec = ArchitectureSpec.Create("batch-relu", new DataShape(784, 10), new NetworkSizes { LinearLayers = 3, Width = 16 });
        long exact = Network<float>.Build(spec).Layout.Entries.Sum(e => (long)e.Length);
        long counted = NetworkFootprint.ParameterCount(spec);
        // An upper bound within the per-unit vectors (biases and norm statistics) it allows for.
        Assert.InRange(counted, exact, exact + 5L * 3 * 16);
        Assert.True(counted >= spec.TrainableParameters);
        var huge = spec with { Width = 100_000, LinearLayers = 50 };
        Assert.Equal(784L * 100_000 + 49L * 100_000 * 100_000 + 100_000L * 10 + 50L * 100_000 * 5 + 10,
            NetworkFootprint.ParameterCount(huge));
    }

    [Fact]
    public void A_weight_matrix_larger_than_an_array_is_refused_whatever_the_memory()
    {
        var spec = ArchitectureSpec.Create("relu", new DataShape(784, 10), new NetworkSizes { LinearLayers = 2, Width = 50_000 });
        Assert.Equal(2_500_000_000L, NetworkFootprint.LargestTensor(spec));
        // Memory first (the usual reason), then the array: with the machine's memory lifted, the matrix alone is refused.
        var e = Assert.Throws<ResourceLimitException>(() => NetworkFootprint.Require(spec, parameterCopies: 1, batch: 1));
        Assert.Contains("would need", e.Message);
        e = Assert.Throws<ResourceLimitException>(() => NetworkFootprint.Require(spec, parameterCopies: 1, batch: 1, 1L << 50));
        Assert.Contains("has a weight matrix of 2,500,000,000 values", e.Message);
        NetworkFootprint.Require(spec with { Width = 40_000 }, parameterCopies: 1, batch: 1, 1L << 50);
        Assert.Equal(1_600_000_000L, NetworkFootprint.LargestTensor(spec with { Width = 40_000 }));
    }
}
