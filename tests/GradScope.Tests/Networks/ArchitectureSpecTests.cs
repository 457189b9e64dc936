using GradScope.Layers;
using GradScope.Networks;

namespace GradScope.Tests.Networks;

public class ArchitectureSpecTests
{
    [Theory]
    [InlineData("batch-relu", false, NormKind.Batch, ActivationKind.Relu, InitKind.Gauss)]
    [InlineData("layer-tanh-orth", false, NormKind.Layer, ActivationKind.Tanh, InitKind.Orthogonal)]
    [InlineData("resnet-batch-relu", true, NormKind.Batch, ActivationKind.Relu, InitKind.Gauss)]
    [InlineData("relu-ll", false, NormKind.None, ActivationKind.Relu, InitKind.LooksLinear)]
    [InlineData("selu-gauss", false, NormKind.None, ActivationKind.Selu, InitKind.Gauss)]
    [InlineData("linear", false, NormKind.None, ActivationKind.Linear, InitKind.Gauss)]
    public void Parses_zoo_names(string name, bool residual, NormKind norm, ActivationKind act, InitKind init)
    {
        var spec = ArchitectureSpec.Parse(name);
        Assert.Equal((residual, norm, act, init), (spec.IsResidual, spec.Normalization, spec.Activation, spec.Init));
        Assert.Equal(name.Replace("-gauss", ""), spec.Name);
    }

    [Fact]
    public void Family_properties_name_what_studies_compare()
    {
        var resnet = ArchitectureSpec.Parse("resnet-batch-relu") with { ResidualWeight = 0.3 };
        Assert.True(resnet.IsNormalized);
        Assert.False(resnet.IsLooksLinear);
        Assert.Equal("batch-relu", resnet.PlainCounterpart.Name);
        Assert.Null(resnet.PlainCounterpart.ResidualWeight);
        Assert.True(ArchitectureSpec.Parse("relu-ll").IsLooksLinear);
        Assert.False(ArchitectureSpec.Parse("selu").IsNormalized);
    }

    [Fact]
    public void Json_keeps_the_checkpoint_field_names()
    {
        string json = System.Text.Json.JsonSerializer.Serialize(ArchitectureSpec.Parse("resnet-layer-tanh"), JsonDefaults.Options);
        Assert.Contains("\"residual\": true", json);
        Assert.Contains("\"norm\": \"layer\"", json);
        Assert.DoesNotContain("is_normalized", json);
        var back = System.Text.Json.JsonSerializer.Deserialize<ArchitectureSpec>(json, JsonDefaults.Options)!;
        Assert.Equal(ArchitectureSpec.Parse("resnet-layer-tanh"), back);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("batch-layer-relu")]
    [InlineData("relu-xavier")]
    [InlineData("")]
    public void Unknown_names_list_the_grammar(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => ArchitectureSpec.Parse(name));
        Assert.Contains(ArchitectureSpec.Grammar, error.Message);
    }

    [Fact]
    public void Looks_linear_needs_relu()
    {
        var error = Assert.Throws<ArgumentException>(() => ArchitectureSpec.Parse("tanh-ll"));
        Assert.Contains("relu", error.Message);
    }

    [Fact]
    public void Default_dilution_is_one_over_root_units()
    {
        var spec = ArchitectureSpec.Parse("resnet-relu") with { Depth = 9, UnitSize = 2 };
        Assert.Equal(4, spec.ResidualUnits);
        Assert.Equal(0.5, spec.EffectiveResidualWeight, 12);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(5, 0)]
    public void Impossible_sizes_are_rejected(int depth, int width)
    {
        Assert.Throws<ArgumentException>(() => (ArchitectureSpec.Parse("relu") with { Depth = depth, Width = width }).Validate());
    }
}
