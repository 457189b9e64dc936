using GradScope.Diagnostics.Diagnosis;
using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;
using static GradScope.Diagnostics.PathologyThresholds;

namespace GradScope.Tests.Diagnostics.Diagnosis;

/// <summary>Each rule on hand-built measurements that trigger it, miss it by a hair, and sit in its borderline band.</summary>
public class FindingRulesTests
{
    private const double Hair = 1e-9;

    [Fact]
    public void Exploding_triggers_on_growth_and_reports_rate_fit_onset_and_total()
    {
        var finding = GradientScaleRules.Exploding(HandBuilt.Profile(1.2));
        Assert.NotNull(finding);
        Assert.Equal(Certainty.Clear, finding.Certainty);
        Assert.Equal(Severity.High, finding.Severity); // 1.2^50 ≈ 9100 ≥ SevereGrowth
        Assert.Contains(finding.Evidence, e => e.Contains("rate r = 1.2000"));
        Assert.Contains(finding.Evidence, e => e.Contains("r^50 = 9100"));
        Assert.Contains(finding.Evidence, e => e.Contains("growth starts at the output side"));
    }

    [Fact]
    public void Exploding_misses_by_a_hair_below_both_thresholds()
    {
        // Growth just under 10 with a rate under the per-layer threshold: at depth 200 that rate is 10^(1/200) < 10^(1/100).
        double rate = HandBuilt.RateFor(ExplodingGrowth * (1 - 1e-6), 200);
        Assert.True(rate < ExplodingRatePerLayer);
        Assert.Null(GradientScaleRules.Exploding(HandBuilt.Profile(rate, depth: 200)));
        Assert.Null(GradientScaleRules.Exploding(HandBuilt.Profile(ExplodingRatePerLayer - Hair, depth: 20)));
    }

    [Fact]
    public void Exploding_by_rate_alone_needs_an_exponential_fit()
    {
        // SeLU-like: r = 1.039 with R² 0.99 at depth 50 gives r^50 ≈ 6.8 < 10 but is exponential growth (SPEC §7).
        var selu = GradientScaleRules.Exploding(HandBuilt.Profile(1.039, 0.99));
        Assert.NotNull(selu);
        Assert.Equal(Certainty.Clear, selu.Certainty);
        Assert.Equal(Severity.Moderate, selu.Severity);
        // Same rate but the profile is not a line on the log axis: no per-layer verdict.
        Assert.Null(GradientScaleRules.Exploding(HandBuilt.Profile(1.039, ExponentialFitMinimumR2 - Hair)));
    }

    [Fact]
    public void Exploding_just_past_the_threshold_is_borderline()
    {
        var justOver = GradientScaleRules.Exploding(HandBuilt.Profile(HandBuilt.RateFor(ExplodingGrowth * 1.01, 200), depth: 200));
        Assert.NotNull(justOver);
        Assert.Equal(Certainty.Borderline, justOver.Certainty);
        // Large growth from a profile that is no straight line (R² 0.5): flagged, but borderline until it is severe.
        var poorFit = GradientScaleRules.Exploding(HandBuilt.Profile(HandBuilt.RateFor(100, 50), 0.5));
        Assert.NotNull(poorFit);
        Assert.Equal(Certainty.Borderline, poorFit.Certainty);
    }

    [Fact]
    public void Exploding_onset_is_found_where_a_flat_profile_starts_to_grow()
    {
        var layers = Enumerable.Range(1, 40).ToList();
        // Flat for the 20 positions nearest the output, then ×1.3 per layer.
        var profile = layers.Select(n => n <= 20 ? 1.0 : Math.Pow(1.3, n - 20)).ToList();
        var m = HandBuilt.Profile(1.0, depth: 40) with { GscProfile = profile, Rate = 1.15, R2 = 0.8, Growth = Math.Pow(1.15, 40) };
        var finding = GradientScaleRules.Exploding(m);
        Assert.NotNull(finding);
        var onset = finding.Evidence.Single(e => e.Contains("growth starts"));
        // The 5-position window starting at position 17 already contains the first growing step (positions 20 → 21).
        Assert.Contains("growth starts at position 17", onset);
        Assert.Equal(17, finding.Positions[0]);
    }

    [Fact]
    public void Vanishing_triggers_misses_and_is_borderline()
    {
        Assert.NotNull(GradientScaleRules.Vanishing(HandBuilt.Profile(0.9)));
        Assert.Equal(Severity.High, GradientScaleRules.Vanishing(HandBuilt.Profile(0.8))!.Severity);
        double justAbove = HandBuilt.RateFor(VanishingGrowth * (1 + 1e-6), 200);
        Assert.Null(GradientScaleRules.Vanishing(HandBuilt.Profile(justAbove, depth: 200)));
        var borderline = GradientScaleRules.Vanishing(HandBuilt.Profile(HandBuilt.RateFor(VanishingGrowth * 0.99, 200), depth: 200));
        Assert.NotNull(borderline);
        Assert.Equal(Certainty.Borderline, borderline.Certainty);
        Assert.Null(GradientScaleRules.Exploding(HandBuilt.Profile(0.9)));
    }

    [Fact]
    public void Collapsing_domain_triggers_misses_and_is_borderline()
    {
        var clear = CollapseRules.CollapsingDomain(HandBuilt.Tanh(50, 30));
        Assert.NotNull(clear);
        Assert.Equal(Certainty.Clear, clear.Certainty);
        Assert.Equal(Severity.High, clear.Severity);
        Assert.Equal(Enumerable.Range(1, 30), clear.Positions);
        Assert.Contains(clear.Evidence, e => e.Contains("30 of 50 nonlinearities are pseudo-linear") && e.Contains("positions 1–30"));
        // 9 of 50 is 18 % < 20 %: miss. 10 of 50 is exactly 20 %: borderline (below 20 % × 1.5).
        Assert.Null(CollapseRules.CollapsingDomain(HandBuilt.Tanh(50, 9)));
        Assert.Equal(Certainty.Borderline, CollapseRules.CollapsingDomain(HandBuilt.Tanh(50, 10))!.Certainty);
        // A pseudo-linearity a hair above the threshold does not count.
        Assert.Null(CollapseRules.CollapsingDomain(HandBuilt.Tanh(50, 30, PseudoLinearity + Hair)));
    }

    [Fact]
    public void Linear_activations_never_count_as_collapsed()
    {
        var m = HandBuilt.Tanh(10, 10) with
        {
            Nonlinearities = Enumerable.Range(1, 10).Select(k => new NonlinearityMeasurement(k, "linear", 1, 0.5, 0)).ToList(),
        };
        Assert.Null(CollapseRules.CollapsingDomain(m));
    }

    [Fact]
    public void Dead_relus_trigger_miss_and_are_borderline()
    {
        var clear = CollapseRules.DeadOrAlwaysOnRelus(HandBuilt.Relus(20, 5));
        Assert.NotNull(clear);
        Assert.Equal(Certainty.Clear, clear.Certainty);
        Assert.Null(CollapseRules.DeadOrAlwaysOnRelus(HandBuilt.Relus(20, 1)));                           // 5 % < 10 %
        Assert.Null(CollapseRules.DeadOrAlwaysOnRelus(HandBuilt.Relus(20, 5, DeadSignDiversity + Hair))); // not ≈ 0
        Assert.Equal(Certainty.Borderline, CollapseRules.DeadOrAlwaysOnRelus(HandBuilt.Relus(20, 2))!.Certainty); // 10 %
    }

    [Fact]
    public void Low_effective_depth_only_for_trained_networks()
    {
        var m = HandBuilt.Profile(1.0, 0.1, 40);
        Assert.Null(DepthRules.LowEffectiveDepth(m)); // untrained: no effective depth
        Assert.Equal(Certainty.Clear, DepthRules.LowEffectiveDepth(m with { EffectiveDepth = 4 })!.Certainty);
        Assert.Null(DepthRules.LowEffectiveDepth(m with { EffectiveDepth = 10 })); // 25 %: exactly at the threshold, not low
        Assert.Equal(Certainty.Borderline, DepthRules.LowEffectiveDepth(m with { EffectiveDepth = 9 })!.Certainty);
    }

    [Fact]
    public void Weak_dilution_triggers_misses_and_is_borderline()
    {
        var clear = DilutionRules.WeakDilution(HandBuilt.ResNet([0.2, 0.3, 0.25, 0.2], residualWeight: 4));
        Assert.NotNull(clear);
        Assert.Equal(Severity.High, clear.Severity);
        Assert.Contains(clear.Evidence, e => e.Contains("4 of 4 units have dilution k < 1"));
        Assert.Null(DilutionRules.WeakDilution(HandBuilt.ResNet([1.0, 1.0, 3, 3])));                   // none below 1
        Assert.Null(DilutionRules.WeakDilution(HandBuilt.ResNet([1 - Hair, 2, 3, 4])));                  // 25 % of units
        Assert.Equal(Certainty.Borderline, DilutionRules.WeakDilution(HandBuilt.ResNet([0.9, 0.9, 0.9, 0.9]))!.Certainty);
        Assert.Null(DilutionRules.WeakDilution(HandBuilt.Profile(1.2))); // not a ResNet
    }

    [Fact]
    public void Batch_coupling_is_information_only()
    {
        Assert.Null(CouplingRules.BatchCoupling(HandBuilt.Profile(1.0)));
        var f = CouplingRules.BatchCoupling(HandBuilt.Profile(1.0) with { CouplesExamples = true });
        Assert.NotNull(f);
        Assert.Equal(Severity.Info, f.Severity);
    }

    [Fact]
    public void Findings_are_ranked_worst_first()
    {
        var m = HandBuilt.Profile(1.039, 0.99) with
        {
            CouplesExamples = true,
            Nonlinearities = Enumerable.Range(1, 50).Select(k => new NonlinearityMeasurement(k, "tanh", 0.05, 0.47, 1e-4)).ToList(),
        };
        var kinds = Diagnoser.Diagnose(m).Select(f => f.Kind).ToList();
        Assert.Equal([FindingKind.CollapsingDomain, FindingKind.ExplodingGradients, FindingKind.BatchCoupling], kinds);
    }
}
