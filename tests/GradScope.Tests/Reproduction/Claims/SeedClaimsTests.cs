using GradScope.Diagnostics;
using GradScope.Reporting;
using GradScope.Reproduction;
using static GradScope.Tests.Reproduction.Claims.ClaimInputsBuilder;

namespace GradScope.Tests.Reproduction.Claims;

/// <summary>The claims with several seeds: a verdict the seeds disagree on is inconclusive.</summary>
public sealed class SeedClaimsTests
{
    /// <summary>A 50-layer fit over seeds with the given (rate, R²) each.</summary>
    private static GradientFit Seeded(string name, params (double Rate, double R2)[] seeds) =>
        GradientFit.OverSeeds(Arch(name), 50, seeds.Select(s => ((double?)s.Rate, (double?)s.R2)))!;

    [Fact]
    public void Fit_over_seeds_averages_rate_and_r2_and_keeps_each_seeds_verdict()
    {
        var fit = Seeded("selu", (1.03, 0.97), (1.02, 0.85));
        Assert.Equal(1.025, fit.Rate, 12);
        Assert.Equal(0.91, fit.R2!.Value, 12);
        Assert.Equal(GrowthVerdict.Exploding, fit.Verdict);          // 1.025 ≥ 1.0233 with R² 0.91
        Assert.Equal([GrowthVerdict.Exploding, GrowthVerdict.Stable], fit.SeedVerdicts!);
        Assert.False(fit.SeedsAgree);
        Assert.True(Seeded("batch-relu", (1.2, 1), (1.19, 1)).SeedsAgree);
        Assert.Null(GradientFit.OverSeeds(Arch("relu"), 50, [(null, null), (double.NaN, 0.5)]));
    }

    [Fact]
    public void Exploding_persists_is_inconclusive_when_one_seed_alone_reaches_another_verdict()
    {
        var firm = ExplodingGradientsPersist.Judge([Seeded("batch-relu", (1.2, 1), (1.2, 1)), Seeded("selu", (1.04, 0.99), (1.04, 0.99))]);
        Assert.Equal(ClaimVerdict.Holds, firm.Verdict);
        Assert.Contains("(all 2 seeds)", firm.Evidence[0]);
        Assert.Contains("seed #2 alone: holds", firm.Evidence.Last());
        // SeLU explodes on the mean and at seed 1, not at seed 2: SeLU alone would leave its group without an exploding family.
        var split = ExplodingGradientsPersist.Judge([Seeded("batch-relu", (1.2, 1), (1.2, 1)), Seeded("selu", (1.03, 0.97), (1.02, 0.85))]);
        Assert.Equal(ClaimVerdict.Inconclusive, split.Verdict);
        Assert.Contains("seeds disagree on the verdict (seed #2)", split.Reason);
    }

    [Fact]
    public void A_disagreement_that_cannot_change_the_verdict_leaves_it_standing()
    {
        // selu's seeds disagree after Adam, but with batch-relu still exploding at both seeds at least half explode either way.
        var check = AdamDoesNotCure.Judge([
            Trained("batch-relu", Seeded("batch-relu", (1.2, 1), (1.2, 1)), Seeded("batch-relu", (1.1, 1), (1.1, 1))),
            Trained("selu", Seeded("selu", (1.04, 0.99), (1.04, 0.99)), Seeded("selu", (1.03, 0.97), (1.02, 0.85)))]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Contains("seeds disagree", check.Evidence.First(e => e.StartsWith("selu", StringComparison.Ordinal)));
    }

    private static TrainedNet Trained(string name, GradientFit atInit, GradientFit atEnd) =>
        new(Arch(name), GradScope.Training.OptimizerKind.Adam, atInit, atEnd, Seeds(5, 6), 50, Seeds(0.2, 0.21));

    [Fact]
    public void A_decided_verdict_becomes_inconclusive_when_seeds_disagree_and_an_undecided_one_stays()
    {
        var check = new ClaimCheck("id", "s", "c", ClaimVerdict.Holds, "measured", [], "src");
        Assert.Same(check, check.UnlessSeedsDisagree([]));
        var split = check.UnlessSeedsDisagree(["relu", "relu", "tanh"]);
        Assert.Equal(ClaimVerdict.Inconclusive, split.Verdict);
        Assert.Equal("measured; seeds disagree on relu, tanh", split.Reason);
        var open = check with { Verdict = ClaimVerdict.Inconclusive };
        Assert.Same(open, open.UnlessSeedsDisagree(["relu"]));
    }

    [Fact]
    public void Resnets_lower_gsc_is_inconclusive_when_the_vanilla_net_explodes_at_one_seed_only()
    {
        var firm = ResnetsLowerGsc.Judge([new(Seeded("resnet-batch-relu", (1.0, 0.2), (1.0, 0.3)),
            Seeded("batch-relu", (1.2, 1), (1.2, 1)))]);
        Assert.Equal(ClaimVerdict.Holds, firm.Verdict);
        var split = ResnetsLowerGsc.Judge([new(Seeded("resnet-selu", (1.0, 0.2), (1.0, 0.3)), Seeded("selu", (1.03, 0.97), (1.02, 0.85)))]);
        Assert.Equal(ClaimVerdict.Inconclusive, split.Verdict);
        Assert.Contains("seed #2 alone: inconclusive (no vanilla counterpart explodes)", split.Evidence.Last());
    }

    [Fact]
    public void Collapsing_domain_is_inconclusive_when_one_seed_alone_reaches_another_verdict()
    {
        var calm = new CollapseAtInit(Arch("relu"), false, 0.47, 0.1, null, null);
        var remedy = new CollapseAtInit(Arch("resnet-relu"), false, 0.47, 0.4, null, null);
        var collapsedAtSeed2 = remedy with { PerSeed = [remedy, remedy with { SignOut = 0.2 }] };
        Assert.Equal(ClaimVerdict.Holds, CollapsingDomain.Judge([calm, remedy]).Verdict);
        var split = CollapsingDomain.Judge([calm, collapsedAtSeed2]);
        Assert.Equal(ClaimVerdict.Inconclusive, split.Verdict);
        Assert.Contains("seed #2 alone: does not hold", split.Evidence.Last());
    }

    private static DilutedUnit Unit(double w, double k, double ratio, ulong seed)
    {
        double unitSquare = 1 + 1 / (ratio * (k * k + 1));
        return new DilutedUnit("resnet-batch-tanh", w, 1, k, Math.Sqrt(2), Math.Sqrt(unitSquare), seed);
    }

    [Fact]
    public void Dilution_is_inconclusive_when_one_seed_alone_fails_the_law()
    {
        DilutedUnit[] Good(ulong seed) =>
            [Unit(1, 1, 1.1, seed), Unit(1, 1.2, 0.9, seed), Unit(0.3, 3, 1.0, seed), Unit(0.3, 3.3, 1.2, seed)];
        var agree = DilutionK2Plus1.Judge([.. Good(1), .. Good(2)]);
        Assert.Equal(ClaimVerdict.Holds, agree.Verdict);
        Assert.Contains("seed #2 alone: holds", agree.Evidence.Last());
        // Seed 3's units miss the law by a factor 4; pooled with seeds 1 and 2 the median still holds.
        var split = DilutionK2Plus1.Judge([.. Good(1), .. Good(2), Unit(1, 1, 4, 3), Unit(0.3, 3, 4, 3), Unit(0.3, 3.3, 4, 3)]);
        Assert.Equal(ClaimVerdict.Inconclusive, split.Verdict);
        Assert.Contains("seeds disagree on the verdict (seed #3)", split.Reason);
    }
}
