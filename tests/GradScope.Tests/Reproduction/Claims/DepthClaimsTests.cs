using GradScope.Diagnostics;
using GradScope.Reporting;
using GradScope.Reproduction;
using GradScope.Training;
using static GradScope.Tests.Reproduction.Claims.ClaimInputsBuilder;

namespace GradScope.Tests.Reproduction.Claims;

public sealed class DepthClaimsTests
{
    private const OptimizerKind Adam = OptimizerKind.Adam;

    [Fact]
    public void Effective_depth_limited_holds_when_exploding_nets_are_shallower()
    {
        var check = EffectiveDepthLimitedByExplosion.Judge([Net("batch-relu", Adam, 1.2, 1.2, [4, 6]), Net("relu", Adam, 0.99, 0.99, [20,
            22])]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Contains("adam: median 0.100 (exploding, 1) vs 0.420 (not exploding, 1)", check.Reason);
    }

    [Fact]
    public void Effective_depth_limited_does_not_hold_when_exploding_nets_are_deeper()
    {
        // The inversion the quick preset showed: batch-relu 32/50 against relu 6/50.
        var check = EffectiveDepthLimitedByExplosion.Judge([Net("batch-relu", Adam, 1.2, 1.2, [32]), Net("relu", Adam, 0.99, 0.99, [6])]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
    }

    [Fact]
    public void Effective_depth_limited_leaves_out_untrained_nets_and_needs_both_groups()
    {
        var untrained = Net("batch-relu", Adam, 1.2, 1.2, [32], trainError: 0.775);
        var check = EffectiveDepthLimitedByExplosion.Judge([untrained, Net("relu", Adam, 0.99, 0.99, [6])]);
        Assert.Equal(ClaimVerdict.Inconclusive, check.Verdict);
        Assert.Contains("did not train", check.Evidence[0]);
        var tied = EffectiveDepthLimitedByExplosion.Judge([Net("batch-relu", Adam, 1.2, 1.2, [10]), Net("relu", Adam, 0.99, 0.99, [11])]);
        Assert.Equal(ClaimVerdict.Inconclusive, tied.Verdict);
    }

    [Fact]
    public void Resnets_deeper_compares_fractions_of_the_blocks()
    {
        // 10 of 26 blocks (0.38) beats 12 of 50 (0.24) although 10 < 12.
        var check = ResnetsDeeperEffectiveDepth.Judge([new(Net("resnet-relu", Adam, 1, 1, [10, 10.5]), Net("relu", Adam, 1, 1, [12,
            12.5]))]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Equal("1 of 1 pairs deeper, 0 shallower", check.Reason);
    }

    [Fact]
    public void Resnets_deeper_does_not_hold_when_resnets_are_shallower()
    {
        var check = ResnetsDeeperEffectiveDepth.Judge([
            new(Net("resnet-relu", Adam, 1, 1, [4, 6]), Net("relu", Adam, 1, 1, [20, 24])),
            new(Net("resnet-batch-relu", Adam, 1, 1, [5, 6]), Net("batch-relu", Adam, 1, 1, [30, 32]))]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
    }

    [Fact]
    public void Resnets_deeper_is_inconclusive_within_the_seed_spread_or_without_pairs()
    {
        // 0.3–0.5 of 26 blocks against 0.3–0.4 of 50: the seed ranges overlap.
        var overlap = ResnetsDeeperEffectiveDepth.Judge([new(Net("resnet-relu", Adam, 1, 1, [8, 13]), Net("relu", Adam, 1, 1, [15, 20]))]);
        Assert.Equal(ClaimVerdict.Inconclusive, overlap.Verdict);
        Assert.Contains("tied", overlap.Evidence[0]);
        Assert.Equal(ClaimVerdict.Inconclusive, ResnetsDeeperEffectiveDepth.Judge([]).Verdict);
    }

    private static TaylorNet Taylor(string label, double depth, int blocks, params (int M, double Error)[] points) =>
        new(label, depth, blocks, [.. points.Select(p => new TaylorPoint(p.M, p.Error, 0))]);

    private static readonly TaylorNet[] Consistent =
    [
        Taylor("a", 2, 50, (0, 0.1), (10, 0.1), (50, 0.3)),    // onset 50
        Taylor("b", 5, 50, (0, 0.1), (10, 0.12), (20, 0.2)),   // onset 20
        Taylor("c", 10, 50, (0, 0.1), (10, 0.2)),              // onset 10
        Taylor("d", 20, 50, (0, 0.1), (2, 0.3)),               // onset 2
    ];

    [Fact]
    public void Taylor_holds_when_deeper_nets_degrade_sooner()
    {
        var check = TaylorDepthReduction.Judge(Consistent);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Equal("Spearman ρ = -1.00 over 4 networks", check.Reason);
    }

    [Fact]
    public void Taylor_does_not_hold_when_deeper_nets_degrade_later()
    {
        var reversed = Consistent.Select((n, i) => n with { EffectiveDepth = Consistent[^(i + 1)].EffectiveDepth }).ToList();
        Assert.Equal(ClaimVerdict.DoesNotHold, TaylorDepthReduction.Judge(reversed).Verdict);
    }

    [Fact]
    public void Taylor_is_inconclusive_with_few_networks_and_counts_no_degradation_as_beyond_the_last_block()
    {
        Assert.Equal(ClaimVerdict.Inconclusive, TaylorDepthReduction.Judge(Consistent[..3]).Verdict);
        var never = Taylor("e", 1, 26, (0, 0.1), (26, 0.12));
        Assert.Null(never.Onset);
        Assert.Equal(27.0 / 26, never.RelativeOnset, 12);
    }

    [Fact]
    public void Width_over_depth_holds_when_a_wider_net_trains_better_beyond_the_spread()
    {
        var check = WidthOverDepth.Judge([new("relu", 5, 300, Seeds(0.10, 0.11)), new("relu", 50, 100, Seeds(0.20, 0.22))]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
    }

    [Fact]
    public void Width_over_depth_does_not_hold_when_the_deepest_trains_best()
    {
        var check = WidthOverDepth.Judge([new("relu", 5, 300, Seeds(0.30, 0.31)), new("relu", 20, 150, Seeds(0.25, 0.26)),
            new("relu", 50, 100, Seeds(0.10, 0.12))]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
    }

    [Fact]
    public void Width_over_depth_is_inconclusive_within_the_spread_or_with_one_depth()
    {
        Assert.Equal(ClaimVerdict.Inconclusive,
            WidthOverDepth.Judge([new("relu", 5, 300, Seeds(0.10, 0.21)), new("relu", 50, 100, Seeds(0.20, 0.22))]).Verdict);
        Assert.Equal(ClaimVerdict.Inconclusive, WidthOverDepth.Judge([new("relu", 50, 100, Seeds(0.2))]).Verdict);
    }
}
