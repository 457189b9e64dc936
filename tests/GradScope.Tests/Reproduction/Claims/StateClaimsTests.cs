using GradScope.Reporting;
using GradScope.Reproduction;
using static GradScope.Tests.Reproduction.Claims.ClaimInputsBuilder;

namespace GradScope.Tests.Reproduction.Claims;

public sealed class StateClaimsTests
{
    private static CollapseAtInit Collapse(string name, double signOut, bool exploding = false) =>
        new(Arch(name), exploding, 0.47, signOut, 0.4, 0.3);

    [Fact]
    public void Collapsing_domain_holds_when_a_calm_mlp_collapses_and_the_remedies_do_not()
    {
        var check = CollapsingDomain.Judge([Collapse("tanh", 0.05), Collapse("resnet-relu", 0.45), Collapse("relu-ll", 0.46)]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Equal(3, check.Evidence.Count);
    }

    [Fact]
    public void Collapsing_domain_does_not_hold_when_a_resnet_collapses_too()
    {
        // The branch-ends-in-ReLU ResNet: sign diversity 0.47 → 0.03.
        var check = CollapsingDomain.Judge([Collapse("tanh", 0.05), Collapse("resnet-relu", 0.03)]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
        Assert.Contains("resnet-relu", check.Reason);
        Assert.Equal(ClaimVerdict.DoesNotHold, CollapsingDomain.Judge([Collapse("tanh", 0.4), Collapse("relu-ll", 0.46)]).Verdict);
    }

    [Fact]
    public void Collapsing_domain_ignores_exploding_and_linear_nets_and_needs_both_groups()
    {
        // An exploding net that collapses is not the claim's case; linear nets have nothing to collapse.
        Assert.Equal(ClaimVerdict.Inconclusive, CollapsingDomain.Judge([Collapse("batch-relu", 0.05, exploding: true), Collapse("linear",
            0.0)]).Verdict);
        Assert.Equal(ClaimVerdict.Inconclusive, CollapsingDomain.Judge([Collapse("tanh", 0.05)]).Verdict);
    }

    [Fact]
    public void Pseudo_linearity_drop_alone_is_a_collapse()
    {
        Assert.True(new CollapseAtInit(Arch("tanh"), false, 0.47, 0.45, 0.4, 0.1).Collapsed);
        Assert.False(new CollapseAtInit(Arch("tanh"), false, 0.47, 0.45, 0.4, null).Collapsed);
    }

    private static DilutedUnit Unit(double w, double k, double ratio)
    {
        // Choose the unit GSC so that (G_b² − 1)/(G_u² − 1) = ratio · (k² + 1) for a branch with G_b² = 2.
        double unitSquare = 1 + 1 / (ratio * (k * k + 1));
        return new DilutedUnit("resnet-batch-tanh", w, 1, k, Math.Sqrt(2), Math.Sqrt(unitSquare));
    }

    [Fact]
    public void Dilution_holds_when_reductions_follow_k2_plus_1_over_a_range_of_k()
    {
        var check = DilutionK2Plus1.Judge([Unit(1, 1, 1.1), Unit(1, 1.2, 0.9), Unit(0.3, 3, 1.0), Unit(0.3, 3.3, 1.2)]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
        Assert.Equal(1.0, Unit(1, 2, 1.0).LawRatio, 12);
    }

    [Fact]
    public void Dilution_does_not_hold_when_the_median_misses_by_more_than_a_factor_2()
    {
        var check = DilutionK2Plus1.Judge([Unit(1, 1, 3), Unit(0.3, 3, 4), Unit(0.1, 10, 5)]);
        Assert.Equal(ClaimVerdict.DoesNotHold, check.Verdict);
    }

    [Fact]
    public void Dilution_is_inconclusive_over_a_narrow_k_range_or_few_units()
    {
        // k ≈ 3.3–3.5 at every w_r: the law is never probed away from one k.
        var narrow = DilutionK2Plus1.Judge([Unit(4, 3.3, 1), Unit(2, 3.4, 1), Unit(1, 3.5, 1)]);
        Assert.Equal(ClaimVerdict.Inconclusive, narrow.Verdict);
        Assert.Contains("k range too narrow", narrow.Reason);
        var flat = new DilutedUnit("resnet-relu", 1, 1, 2, 1.01, 1.001);
        Assert.False(flat.Measurable);
        Assert.Equal(ClaimVerdict.Inconclusive, DilutionK2Plus1.Judge([flat, Unit(1, 1, 1)]).Verdict);
    }

    private static InitialStateNet State(string name, double rate, params double[] errors) => new(Fit(name, rate, 0.5), Seeds(errors),
        Arch(name));

    [Fact]
    public void Orthogonal_state_holds_when_every_candidate_trains_better()
    {
        var check = OrthogonalInitialState.Judge(State("relu", 0.99, 0.3, 0.32), [State("relu-ll", 1.0, 0.1, 0.12), State("resnet-relu",
            1.0, 0.15, 0.2)]);
        Assert.Equal(ClaimVerdict.Holds, check.Verdict);
    }

    [Fact]
    public void Orthogonal_state_does_not_hold_when_a_candidate_trains_worse_or_explodes()
    {
        Assert.Equal(ClaimVerdict.DoesNotHold,
            OrthogonalInitialState.Judge(State("relu", 0.99, 0.3, 0.32), [State("relu-ll", 1.0, 0.4, 0.45)]).Verdict);
        Assert.Equal(ClaimVerdict.DoesNotHold,
            OrthogonalInitialState.Judge(State("relu", 0.99, 0.3, 0.32), [State("resnet-relu", 1.2, 0.1, 0.12)]).Verdict);
    }

    [Fact]
    public void Orthogonal_state_is_inconclusive_within_the_spread_or_without_baseline()
    {
        Assert.Equal(ClaimVerdict.Inconclusive,
            OrthogonalInitialState.Judge(State("relu", 0.99, 0.3, 0.32), [State("relu-ll", 1.0, 0.25, 0.31)]).Verdict);
        Assert.Equal(ClaimVerdict.Inconclusive, OrthogonalInitialState.Judge(null, [State("relu-ll", 1.0, 0.1)]).Verdict);
        Assert.True(OrthogonalInitialState.IsCandidate(Arch("resnet-relu")));
        Assert.False(OrthogonalInitialState.IsCandidate(Arch("relu-orth")));
    }
}
