using GradScope.Layers;
using GradScope.Networks;
using GradScope.Reproduction;

namespace GradScope.Tests.Networks;

public class ArchitectureSpecTests
{
    private static readonly DataShape Shape = DataShape.FashionMnist;

    [Theory]
    [InlineData("batch-relu", false, NormKind.Batch, ActivationKind.Relu, InitKind.Gauss)]
    [InlineData("layer-tanh-orth", false, NormKind.Layer, ActivationKind.Tanh, InitKind.Orthogonal)]
    [InlineData("resnet-batch-relu", true, NormKind.Batch, ActivationKind.Relu, InitKind.Gauss)]
    [InlineData("relu-ll", false, NormKind.None, ActivationKind.Relu, InitKind.LooksLinear)]
    [InlineData("selu-gauss", false, NormKind.None, ActivationKind.Selu, InitKind.Gauss)]
    [InlineData("linear", false, NormKind.None, ActivationKind.Linear, InitKind.Gauss)]
    public void Parses_zoo_names(string name, bool residual, NormKind norm, ActivationKind act, InitKind init)
    {
        var spec = ArchitectureSpec.Create(name, Shape);
        Assert.Equal((residual, norm, act, init), (spec.IsResidual, spec.Normalization, spec.Activation, spec.Init));
        Assert.Equal(name.Replace("-gauss", ""), spec.Name);
    }

    [Fact]
    public void Create_applies_sizes_and_shape_once()
    {
        var spec = ArchitectureSpec.Create("resnet-tanh", new DataShape(12, 3),
            new NetworkSizes { LinearLayers = 7, Width = 8, UnitSize = 3, ResidualWeight = 0.25 });
        Assert.Equal((7, 8, 3, 0.25), (spec.LinearLayers, spec.Width, spec.UnitSize, spec.ResidualWeight));
        Assert.Equal(new DataShape(12, 3), spec.Shape);
        Assert.Equal(spec.Sizes, new NetworkSizes { LinearLayers = 7, Width = 8, UnitSize = 3, ResidualWeight = 0.25 });
        // 6 residual layers in units of 3: 2 units, plus the input map: 3 blocks, fewer than the 7 linear layers.
        Assert.Equal((2, 3), (spec.ResidualUnits, spec.BlockCount));
    }

    [Fact]
    public void Defaults_are_spec_section_1_2()
    {
        var spec = ArchitectureSpec.Create("relu", Shape);
        Assert.Equal((50, 100, 2, null), (spec.LinearLayers, spec.Width, spec.UnitSize, spec.ResidualWeight));
        Assert.Equal((784, 10), (spec.InputDim, spec.Classes));
    }

    [Fact]
    public void Family_properties_name_what_studies_compare()
    {
        var resnet = ArchitectureSpec.Create("resnet-batch-relu", Shape, new NetworkSizes { ResidualWeight = 0.3 });
        Assert.True(resnet.IsNormalized);
        Assert.False(resnet.IsLooksLinear);
        Assert.Equal("batch-relu", resnet.PlainCounterpart.Name);
        Assert.Null(resnet.PlainCounterpart.ResidualWeight);
        Assert.True(ArchitectureSpec.Create("relu-ll", Shape).IsLooksLinear);
        Assert.False(ArchitectureSpec.Create("selu", Shape).IsNormalized);
    }

    [Fact]
    public void Json_keeps_the_checkpoint_field_names()
    {
        var spec = ArchitectureSpec.Create("resnet-layer-tanh", Shape, new NetworkSizes { LinearLayers = 9 });
        string json = System.Text.Json.JsonSerializer.Serialize(spec, JsonDefaults.Options);
        Assert.Contains("\"residual\": true", json);
        Assert.Contains("\"norm\": \"layer\"", json);
        Assert.Contains("\"depth\": 9", json);
        Assert.DoesNotContain("is_normalized", json);
        Assert.DoesNotContain("trainable_parameters", json);
        Assert.Equal(spec, System.Text.Json.JsonSerializer.Deserialize<ArchitectureSpec>(json, JsonDefaults.Options));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("batch-layer-relu")]
    [InlineData("relu-xavier")]
    [InlineData("")]
    public void Unknown_names_list_the_grammar(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => ArchitectureSpec.Create(name, Shape));
        Assert.Contains(ArchitectureSpec.Grammar, error.Message);
        Assert.Throws<ArgumentException>(() => ArchitectureSpec.CheckName(name));
    }

    [Fact]
    public void Looks_linear_needs_relu()
    {
        var error = Assert.Throws<ArgumentException>(() => ArchitectureSpec.Create("tanh-ll", Shape));
        Assert.Contains("relu", error.Message);
    }

    [Fact]
    public void Default_dilution_is_one_over_root_units()
    {
        var spec = ArchitectureSpec.Create("resnet-relu", Shape, new NetworkSizes { LinearLayers = 9, UnitSize = 2 });
        Assert.Equal(4, spec.ResidualUnits);
        Assert.Equal(0.5, spec.EffectiveResidualWeight, 12);
    }

    [Theory]
    [InlineData(0, 100, 784, 10)]
    [InlineData(5, 0, 784, 10)]
    [InlineData(5, 100, 0, 10)]
    [InlineData(5, 100, 784, 1)]
    public void Impossible_sizes_are_rejected(int depth, int width, int inputs, int classes)
    {
        Assert.Throws<ArgumentException>(() =>
            ArchitectureSpec.Create("relu", new DataShape(inputs, classes), new NetworkSizes { LinearLayers = depth, Width = width }));
    }

    [Fact]
    public void A_resnet_needs_a_residual_layer()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ArchitectureSpec.Create("resnet-relu", Shape, new NetworkSizes { LinearLayers = 1 }));
        Assert.Contains("ResNet", error.Message);
    }

    public static TheoryData<string> Zoo()
    {
        var names = new TheoryData<string>();
        foreach (string name in Presets.FullZoo) names.Add(name);
        foreach (string name in new[] { "relu-orth", "tanh-orth", "resnet-relu-orth", "resnet-batch-relu-ll", "resnet-layer-relu-ll" })
            names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Zoo))]
    public void Closed_form_parameter_count_matches_the_built_network(string name)
    {
        foreach (var (shape, sizes) in new[]
        {
            (new DataShape(7, 3), new NetworkSizes { LinearLayers = 1, Width = 6 }),
            (new DataShape(7, 3), new NetworkSizes { LinearLayers = 2, Width = 6 }),
            (new DataShape(5, 2), new NetworkSizes { LinearLayers = 6, Width = 10, UnitSize = 3 }),
            (new DataShape(9, 4), new NetworkSizes { LinearLayers = 8, Width = 12, UnitSize = 2, ResidualWeight = 0.3 }),
            (DataShape.FashionMnist, NetworkSizes.Default),
        })
        {
            if (name.StartsWith("resnet-", StringComparison.Ordinal) && sizes.LinearLayers < 2) continue;
            var spec = ArchitectureSpec.Create(name, shape, sizes);
            Assert.Equal(Network<float>.Build(spec).Layout.TrainableCount, spec.TrainableParameters);
        }
    }

    [Fact]
    public void Width_at_a_budget_is_the_widest_even_width_that_fits()
    {
        var relu = ArchitectureSpec.Create("relu", Shape, new NetworkSizes { LinearLayers = 50, Width = 100 });
        long budget = relu.TrainableParameters;
        // Hand-computed: 784·100 + 100 + 49·(100·100 + 100) + 100·10 + 10.
        Assert.Equal(574_410, budget);
        Assert.Equal(100, relu.AtParameterBudget(50, budget).Width);
        // Widths the quick preset's width-versus-depth study trains (depth 10: 211 would fit too, but widths are even).
        Assert.Equal([292, 210, 152], new[] { 5, 10, 20 }.Select(d => relu.AtParameterBudget(d, budget).Width));
        foreach (int depth in new[] { 5, 10, 20, 50 })
        {
            var fitted = relu.AtParameterBudget(depth, budget);
            Assert.Equal(depth, fitted.LinearLayers);
            Assert.True(Built(fitted) <= budget);
            Assert.True(Built(fitted.WithSizes(fitted.Sizes with { Width = fitted.Width + 2 })) > budget);
        }
    }

    [Fact]
    public void Width_at_a_budget_keeps_what_the_family_needs()
    {
        // Looks-linear needs an even width of at least 2·classes: with a tiny budget that narrowest width is returned.
        var ll = ArchitectureSpec.Create("relu-ll", new DataShape(20, 5), new NetworkSizes { LinearLayers = 10, Width = 50 });
        Assert.Equal(10, ll.AtParameterBudget(10, budget: 1).Width);
        var resnet = ArchitectureSpec.Create("resnet-relu", Shape, new NetworkSizes { LinearLayers = 9, Width = 40, ResidualWeight = 0.3 },
            BranchLayout.PostActivation);
        var wider = resnet.AtParameterBudget(5, resnet.TrainableParameters);
        Assert.True(wider.Width > resnet.Width);
        Assert.Equal((0.3, BranchLayout.PostActivation, 2), (wider.ResidualWeight, wider.BranchLayout, wider.UnitSize));
    }

    [Fact]
    public void Changing_a_family_is_checked_like_a_name()
    {
        var relu = ArchitectureSpec.Create("relu", Shape, new NetworkSizes { Width = 33 });
        // An odd width cannot be looks-linear; with a budget the width is chosen for the new family first.
        Assert.Throws<ArgumentException>(() => relu.WithFamily(init: InitKind.LooksLinear));
        var ll = relu.WithFamily(init: InitKind.LooksLinear, parameterBudget: relu.TrainableParameters);
        Assert.Equal(("relu-ll", 0), (ll.Name, ll.Width % 2));
        Assert.Throws<ArgumentException>(() => ArchitectureSpec.Create("tanh", Shape).WithFamily(init: InitKind.LooksLinear));
        Assert.Throws<ArgumentException>(() => ArchitectureSpec.Create("relu", Shape, new NetworkSizes { LinearLayers = 1 })
            .WithFamily(residual: true));
        Assert.Equal("resnet-layer-relu-orth",
            relu.WithFamily(residual: true, normalization: NormKind.Layer, init: InitKind.Orthogonal).Name);
        Assert.Throws<ArgumentException>(() => relu.WithResidualWeight(-1));
        Assert.Equal(0.5, relu.WithResidualWeight(0.5).ResidualWeight);
    }

    [Fact]
    public void Branch_layout_is_a_factory_input()
    {
        Assert.Equal(ArchitectureSpec.DefaultBranchLayout, ArchitectureSpec.Create("resnet-relu", Shape).BranchLayout);
        var post = ArchitectureSpec.Create("resnet-relu", Shape, layout: BranchLayout.PostActivation);
        Assert.Equal(BranchLayout.PostActivation, post.BranchLayout);
        Assert.Equal(BranchLayout.PostActivation, post.WithSizes(post.Sizes with { Width = 12 }).BranchLayout);
    }

    private static long Built(ArchitectureSpec spec) => Network<float>.Build(spec).Layout.TrainableCount;
}
