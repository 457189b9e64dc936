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

    private static IReadOnlyList<TaylorPoint> Curve(params (int M, double Error)[] points) =>
        [.. points.Select(p => new TaylorPoint(p.M, p.Error, 0))];

    /// <summary>One seed of a 50-block net whose onset is <paramref name="inputOnset"/> from the input side and
    /// <paramref name="outputOnset"/> from the output side (null: never degrades).</summary>
    private static TaylorSeed Seed(double depth, int? inputOnset, int? outputOnset) => new(depth, depth + 3,
        Degrading(inputOnset), Degrading(outputOnset));

    private static IReadOnlyList<TaylorPoint> Degrading(int? onset) => onset is int m
        ? Curve((0, 0.1), (m - 1, 0.11), (m, 0.3), (50, 0.5)) : Curve((0, 0.1), (50, 0.12));

    private static TaylorNet Taylor(string label, params TaylorSeed[] seeds) => new(label, 50, seeds);

    // Deeper nets degrade sooner from both sides: ρ = −1 on each.
    private static readonly TaylorNet[] Consistent =
    [
        Taylor("a", Seed(2, null, 45)),
        Taylor("b", Seed(5, 20, 30)),
        Taylor("c", Seed(10, 10, 12)),
        Taylor("d", Seed(20, 2, 3)),
    ];

    [Fact]
    public void Taylor_holds_when_deeper_nets_degrade_sooner_from_both_sides()
    {
        var check = TaylorDepthReduction.Judge(Consistent);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Equal("input side: Spearman ρ = -1.00 over 4 networks; output side: Spearman ρ = -1.00 over 4 networks", check.Reason);
        Assert.Contains("a seed #1: effective depth 2.00/50 by truncation (SPEC λ-share 5.00), onset input side none up to the " +
            "last m, output side m = 45", check.Evidence);
    }

    [Fact]
    public void Taylor_does_not_hold_when_one_side_contradicts()
    {
        // The output-side onsets reversed: deeper nets degrade later from the output side.
        var reversed = Consistent.Select((n, i) => n with
        {
            Seeds = [n.Seeds[0] with { FromOutput = Consistent[^(i + 1)].Seeds[0].FromOutput }],
        }).ToList();
        var check = TaylorDepthReduction.Judge(reversed);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
        Assert.Contains("output side: Spearman ρ = 1.00", check.Reason);
    }

    [Fact]
    public void Taylor_is_inconclusive_with_few_networks_or_a_side_not_measured()
    {
        Assert.Equal(ClaimVerdict.Inconclusive, TaylorDepthReduction.Judge(Consistent[..3]).Verdict);
        var inputOnly = Consistent.Select(n => n with { Seeds = [n.Seeds[0] with { FromOutput = [] }] }).ToList();
        var check = TaylorDepthReduction.Judge(inputOnly);
        Assert.Equal(ClaimVerdict.Inconclusive, check.Verdict);
        Assert.Contains("output side: 0 networks (needs 4)", check.Reason);
        var never = new TaylorNet("e", 26, [new TaylorSeed(1, 1, Curve((0, 0.1), (26, 0.12)), [])]);
        Assert.Null(TaylorNet.Onset(never.Seeds[0].FromInput));
        Assert.Equal(27.0 / 26, never.RelativeOnset(never.Seeds[0], TaylorSide.NearestInput)!.Value, 12);
        Assert.Null(never.RelativeOnset(never.Seeds[0], TaylorSide.NearestOutput));
    }

    [Fact]
    public void Taylor_is_inconclusive_when_a_seed_alone_disagrees_with_the_means()
    {
        // Seed 2 reverses the order of the depths (9, 8, 7, 6); the means (5.5, 6.5, 8.5, 13) keep seed 1's order.
        TaylorNet Two(TaylorNet n, double otherDepth) => n with { Seeds = [n.Seeds[0], n.Seeds[0] with { EffectiveDepth = otherDepth }] };
        var nets = new[] { Two(Consistent[0], 9), Two(Consistent[1], 8), Two(Consistent[2], 7), Two(Consistent[3], 6) };
        var check = TaylorDepthReduction.Judge(nets);
        Assert.Equal(ClaimVerdict.Inconclusive, check.Verdict);
        Assert.Contains("seeds disagree on the verdict (seed #2)", check.Reason);
        Assert.Contains("seed #2 alone: does not hold", check.Evidence.Last());
    }

    [Fact]
    public void Depth_claims_judge_on_truncation_and_show_the_spec_value_beside_it()
    {
        var spec = Net("relu", Adam, 0.99, 0.99, [20, 22]) with { SpecEffectiveDepth = Seeds(30, 31) };
        var check = EffectiveDepthLimitedByExplosion.Judge([Net("batch-relu", Adam, 1.2, 1.2, [4, 6]), spec]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Contains("relu/adam: effective depth 21.0 (seeds 20.0–22.0)/50 by truncation (SPEC λ-share 30.5 (seeds 30.0–31.0))",
            check.Evidence[1]);
        Assert.Contains("gradient truncation", check.Criterion);
        Assert.Contains("gradient truncation", ResnetsDeeperEffectiveDepth.Criterion);
        Assert.Contains("gradient truncation", TaylorDepthReduction.Criterion);
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
