using GradScope.Networks;
using GradScope.Reproduction;
using GradScope.Training;

namespace GradScope.Tests.Reproduction;

public sealed class SearchResultTests
{
    private static TrainCellResult Run(double lr, ulong seed, double? error, bool diverged = false) => new()
    {
        Id = $"lr{lr}-s{seed}",
        Status = diverged ? RunStatus.Diverged : RunStatus.Completed,
        Architecture = ArchitectureSpec.Create("relu", DataShape.FashionMnist),
        Optimizer = OptimizerKind.Adam,
        LearningRate = lr,
        Seed = seed,
        TrainError = error,
    };

    [Fact]
    public void Best_rate_has_the_lowest_mean_over_seeds_and_shows_their_spread()
    {
        var s = new SearchResult("relu", OptimizerKind.Adam, [1e-4, 1e-3, 1e-2],
            [Run(1e-4, 1, 0.30), Run(1e-4, 2, 0.32), Run(1e-3, 1, 0.12), Run(1e-3, 2, 0.18), Run(1e-2, 1, 0.10), Run(1e-2, 2, 0.40)], 6);
        Assert.Equal(1e-3, s.BestLearningRate); // 0.15 mean beats 0.25 although one seed of 1e-2 reached 0.10
        Assert.Equal(GridPosition.Interior, s.Position);
        var spread = s.Spread(r => r.TrainError)!;
        Assert.Equal((0.15, 0.12, 0.18, 2), (spread.Mean, spread.Min, spread.Max, spread.Count));
        Assert.Equal(1UL, s.Best!.Seed);
    }

    [Fact]
    public void A_rate_with_a_diverged_seed_is_never_best_and_edges_are_flagged()
    {
        var s = new SearchResult("relu", OptimizerKind.Adam, [1e-4, 1e-3, 1e-2],
            [Run(1e-4, 1, 0.30), Run(1e-3, 1, 0.31), Run(1e-2, 1, 0.05), Run(1e-2, 2, null, diverged: true)], 6);
        Assert.Equal(1e-4, s.BestLearningRate);
        Assert.Equal(GridPosition.LowestEdge, s.Position);
        Assert.Equal(GridPosition.HighestEdge, SearchResult.PositionIn([1e-4, 1e-3], 1e-3));
        Assert.Equal(GridPosition.SinglePoint, SearchResult.PositionIn([1e-3], 1e-3));
    }

    [Fact]
    public void Search_without_a_stable_rate_has_no_best()
    {
        var s = new SearchResult("relu", OptimizerKind.Sgd, [0.1], [Run(0.1, 1, null, diverged: true)], 1);
        Assert.Null(s.BestLearningRate);
        Assert.Null(s.Best);
        Assert.Null(s.Position);
        Assert.Null(s.Spread(r => r.TrainError));
    }

    [Fact]
    public void Seed_spread_separation_needs_disjoint_ranges()
    {
        var a = SeedSpread.Of([0.1, 0.2])!;
        Assert.True(a.SeparatedFrom(SeedSpread.Of([0.25, 0.3])!));
        Assert.False(a.SeparatedFrom(SeedSpread.Of([0.15, 0.3])!));
        Assert.Null(SeedSpread.Of([null, double.NaN]));
    }
}
