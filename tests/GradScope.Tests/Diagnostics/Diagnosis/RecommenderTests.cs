using GradScope.Diagnostics.Diagnosis;
using GradScope.Networks;

namespace GradScope.Tests.Diagnostics.Diagnosis;

public class RecommenderTests
{
    private static ArchitectureSpec Spec(string name, int depth = 50, int width = 100) =>
        ArchitectureSpec.Create(name, DataShape.FashionMnist) with { LinearLayers = depth, Width = width, InputDim = 784, Classes = 10 };

    private static IReadOnlyList<Recommendation> For(Measurements m) => Recommender.Recommend(Diagnoser.Diagnose(m), m);

    public static TheoryData<string, FindingKind> Cases => new()
    {
        { "exploding", FindingKind.ExplodingGradients },
        { "vanishing", FindingKind.VanishingGradients },
        { "collapsing", FindingKind.CollapsingDomain },
        { "dead", FindingKind.DeadOrAlwaysOnRelus },
        { "shallow", FindingKind.LowEffectiveDepth },
        { "dilution", FindingKind.WeakDilution },
        { "healthy", (FindingKind)(-1) },
    };

    private static Measurements Case(string name) => name switch
    {
        "exploding" => HandBuilt.Profile(1.2, spec: Spec("selu")),
        "vanishing" => HandBuilt.Profile(0.9, spec: Spec("tanh")),
        "collapsing" => HandBuilt.Tanh(50, 30) with { Spec = Spec("tanh") },
        "dead" => HandBuilt.Relus(50, 20) with { Spec = Spec("relu") },
        "shallow" => HandBuilt.Profile(1.0, 0.1, spec: Spec("relu")) with { EffectiveDepth = 3 },
        "dilution" => HandBuilt.ResNet(Enumerable.Repeat(0.25, 25).ToArray(), 1.2,
            4) with { Spec = Spec("resnet-relu") with { ResidualWeight = 4 } },
        _ => HandBuilt.Profile(1.0, 0.1, spec: Spec("relu")),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_recommendation_appears_only_with_its_finding(string name, FindingKind expected)
    {
        var m = Case(name);
        var findings = Diagnoser.Diagnose(m).Select(f => f.Kind).ToList();
        var recommendations = For(m);
        if ((int)expected < 0)
        {
            Assert.Empty(findings);
            Assert.Empty(recommendations);
            return;
        }
        Assert.Equal([expected], findings);
        var only = Assert.Single(recommendations);
        Assert.Equal(expected, only.Because);
        Assert.False(string.IsNullOrWhiteSpace(only.Mechanism));
    }

    [Fact]
    public void Exploding_batch_norm_net_is_told_that_batch_norm_causes_it()
    {
        var m = HandBuilt.Profile(1.2, spec: Spec("batch-relu")) with { CouplesExamples = true };
        var rec = Assert.Single(For(m));
        Assert.Contains("Batch normalisation itself makes plain MLPs explode", rec.Mechanism);
        Assert.Contains(rec.Alternatives, a => a.Spec.Name == "relu-ll");
        Assert.Contains(rec.Alternatives, a => a.Spec.Name == "resnet-batch-relu");
        // r = 1.2: depth ⌊ln 10 / ln 1.2⌋ = 12 keeps r^d under 10.
        Assert.Contains(rec.Alternatives, a => a.Spec is { Name: "batch-relu", LinearLayers: 12 });
        // Without batch norm the recommendation names the layer map instead.
        Assert.DoesNotContain("Batch normalisation", Assert.Single(For(Case("exploding"))).Mechanism);
    }

    [Fact]
    public void Alternatives_are_the_widest_even_width_within_the_parameter_budget()
    {
        var spec = Spec("batch-relu");
        long budget = spec.TrainableParameters;
        foreach (var a in Assert.Single(For(HandBuilt.Profile(1.2, spec: spec))).Alternatives)
        {
            long count = a.Spec.TrainableParameters;
            long wider = a.Spec.WithSizes(a.Spec.Sizes with { Width = a.Spec.Width + 2 }).TrainableParameters;
            Assert.True(count <= budget && wider > budget, $"{a.Label}: {count} parameters at width {a.Spec.Width}, {wider} at " +
                $"width {a.Spec.Width + 2}, budget {budget}");
            Assert.Equal(0, a.Spec.Width % 2);
            Assert.Equal(spec.InputDim, a.Spec.InputDim);
            Assert.Equal(spec.Classes, a.Spec.Classes);
        }
    }

    [Fact]
    public void Weak_dilution_recommends_the_residual_weight_that_reaches_the_target()
    {
        var m = Case("dilution");
        var rec = Assert.Single(For(m));
        // Branch GSC 1.2 over 25 units: k² ≥ (1.44 − 1)/(10^(2/25) − 1) − 1 = 0.44/0.2023 − 1 = 1.175, so k ≥ 1.084; the floor 1.5 wins.
        double target = DilutionTarget.For(1.2, 25);
        Assert.Equal(1.5, target, 12);
        var alternative = Assert.Single(rec.Alternatives);
        Assert.Equal(4 * 0.25 / 1.5, alternative.Spec.ResidualWeight!.Value, 12);
        Assert.Contains("--residual-weight 0.667", rec.Action);
    }

    [Fact]
    public void Dilution_target_follows_the_pythagorean_relation()
    {
        // Branch GSC 3 over 10 units: k² = (9 − 1)/(10^0.2 − 1) − 1 = 8/0.58489 − 1 = 12.678.
        Assert.Equal(Math.Sqrt(8 / (Math.Pow(10, 0.2) - 1) - 1), DilutionTarget.For(3, 10), 12);
        // At that k the predicted growth over the 10 units is exactly the exploding threshold.
        double k = DilutionTarget.For(3, 10);
        Assert.Equal(10, Math.Pow(1 + 8 / (k * k + 1), 10 / 2.0), 9);
    }

    [Fact]
    public void Non_zoo_networks_get_advice_without_alternatives()
    {
        var rec = Assert.Single(For(HandBuilt.Profile(1.2)));
        Assert.Empty(rec.Alternatives);
    }
}
