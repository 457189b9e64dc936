using GradScope.Reporting;
using GradScope.Reproduction;
using GradScope.Training;
using static GradScope.Tests.Reproduction.Claims.ClaimInputsBuilder;

namespace GradScope.Tests.Reproduction.Claims;

public sealed class GradientClaimsTests
{
    [Fact]
    public void Gradient_fit_explodes_by_growth_or_by_a_well_fitted_rate()
    {
        Assert.True(Fit("batch-relu", 1.06).Exploding);           // 1.06^50 = 18 > 10
        Assert.True(Fit("selu", 1.039, 0.99).Exploding);          // r^L = 6.8, but a clean exponential
        Assert.False(Fit("selu", 1.039, 0.5).Exploding);          // the same rate on a poor fit is noise
        Assert.False(Fit("relu", 0.987).Exploding);
    }

    [Fact]
    public void Exploding_persists_holds_when_every_technique_group_explodes()
    {
        var check = ExplodingGradientsPersist.Judge([Fit("batch-relu", 1.2), Fit("layer-tanh", 1.05), Fit("selu", 1.039), Fit("relu",
            0.99)]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Equal(3, check.Evidence.Count); // relu uses none of the three techniques
        Assert.Contains("selu", check.Reason);
    }

    [Fact]
    public void Exploding_persists_does_not_hold_when_no_group_explodes()
    {
        var check = ExplodingGradientsPersist.Judge([Fit("batch-relu", 1.0), Fit("layer-tanh", 1.01), Fit("selu", 1.0)]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
    }

    [Fact]
    public void Exploding_persists_is_inconclusive_when_groups_disagree_or_are_missing()
    {
        Assert.Equal(ClaimVerdict.Inconclusive, ExplodingGradientsPersist.Judge([Fit("batch-relu", 1.2), Fit("selu", 1.0)]).Verdict);
        Assert.Equal(ClaimVerdict.Inconclusive, ExplodingGradientsPersist.Judge([Fit("batch-relu", 1.2)]).Verdict);
        Assert.Equal(ClaimVerdict.Inconclusive, ExplodingGradientsPersist.Judge([Fit("relu", 1.2)]).Verdict);
    }

    [Fact]
    public void Adam_does_not_cure_holds_when_exploding_nets_still_explode()
    {
        var check = AdamDoesNotCure.Judge([Net("batch-relu", OptimizerKind.Adam, 1.2, 1.1, [5]), Net("relu", OptimizerKind.Adam, 0.99,
            0.99, [5])]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Equal("1 of 1 networks exploding at init still explode after Adam", check.Reason);
    }

    [Fact]
    public void Adam_does_not_cure_does_not_hold_when_adam_removes_every_explosion()
    {
        var check = AdamDoesNotCure.Judge([Net("batch-relu", OptimizerKind.Adam, 1.2, 1.0, [5]), Net("layer-tanh", OptimizerKind.Adam,
            1.1, 0.98, [5])]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
    }

    [Fact]
    public void Adam_does_not_cure_is_inconclusive_without_exploding_adam_runs()
    {
        // SGD runs do not count, and a minority still exploding is not enough either way.
        Assert.Equal(ClaimVerdict.Inconclusive, AdamDoesNotCure.Judge([Net("batch-relu", OptimizerKind.Sgd, 1.2, 1.2, [5])]).Verdict);
        var mixed = AdamDoesNotCure.Judge([Net("batch-relu", OptimizerKind.Adam, 1.2, 1.2, [5]), Net("layer-tanh", OptimizerKind.Adam,
            1.1, 1.0, [5]),
            Net("selu", OptimizerKind.Adam, 1.1, 1.0, [5])]);
        Assert.Equal(ClaimVerdict.Inconclusive, mixed.Verdict);
    }

    [Fact]
    public void Resnets_lower_gsc_holds_when_each_resnet_is_lower_and_calm()
    {
        var check = ResnetsLowerGsc.Judge([new(Fit("resnet-batch-relu", 1.005, 0.3), Fit("batch-relu", 1.2))]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
    }

    [Fact]
    public void Resnets_lower_gsc_does_not_hold_when_a_resnet_is_not_lower()
    {
        var check = ResnetsLowerGsc.Judge([new(Fit("resnet-batch-relu", 1.25), Fit("batch-relu", 1.2)), new(Fit("resnet-tanh", 1.0),
            Fit("tanh", 1.05))]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
        Assert.Contains("resnet-batch-relu", check.Reason);
    }

    [Fact]
    public void Resnets_lower_gsc_is_judged_only_where_the_vanilla_net_explodes()
    {
        // resnet-relu 0.974 vs relu 0.987: both below 1, nothing to cure, so no verdict either way.
        var calm = ResnetsLowerGsc.Judge([new(Fit("resnet-relu", 0.974), Fit("relu", 0.987))]);
        Assert.Equal(ClaimVerdict.Inconclusive, calm.Verdict);
        Assert.Equal("no vanilla counterpart explodes", calm.Reason);
        var stillExploding = ResnetsLowerGsc.Judge([new(Fit("resnet-batch-relu", 1.1), Fit("batch-relu", 1.2))]);
        Assert.Equal(ClaimVerdict.Inconclusive, stillExploding.Verdict);
    }
}
