using System.Text.Json;
using System.Text.Json.Nodes;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Tests.Networks;

public class BranchLayoutTests
{
    private static ArchitectureSpec Spec(BranchLayout layout) =>
        ArchitectureSpec.Create("resnet-batch-relu", new DataShape(5, 3), new NetworkSizes { LinearLayers = 5, Width = 6 }) with
        {
            BranchLayout = layout,
        };

    [Fact]
    public void Layout_round_trips_through_json_and_a_missing_field_means_the_old_post_activation_layout()
    {
        foreach (var layout in new[] { BranchLayout.PreActivation, BranchLayout.PostActivation })
        {
            string json = JsonSerializer.Serialize(Spec(layout), JsonDefaults.Options);
            Assert.Equal(layout, JsonSerializer.Deserialize<ArchitectureSpec>(json, JsonDefaults.Options)!.BranchLayout);
        }
        var old = JsonNode.Parse(JsonSerializer.Serialize(Spec(BranchLayout.PreActivation), JsonDefaults.Options))!.AsObject();
        Assert.True(old.Remove("branch_layout"));
        var read = JsonSerializer.Deserialize<ArchitectureSpec>(old.ToJsonString(), JsonDefaults.Options)!;
        Assert.Equal(BranchLayout.PostActivation, read.BranchLayout);
        Assert.Equal(BranchLayout.PreActivation, ArchitectureSpec.DefaultBranchLayout);
    }

    [Fact]
    public void Run_names_tell_a_non_default_layout_apart()
    {
        string pre = GradScope.Training.RunName.Architecture(Spec(BranchLayout.PreActivation));
        string post = GradScope.Training.RunName.Architecture(Spec(BranchLayout.PostActivation));
        Assert.Equal(pre + "-post", post);
        Assert.DoesNotContain("-pre", pre);
    }

    [Fact]
    public void Pre_activation_units_are_norm_act_linear_after_an_input_map_without_activation()
    {
        static string Kind(Layer<double> l) =>
            l switch { Linear<double> => "linear", BatchNorm<double> => "norm", _ => l.IsNonlinearity ? "act" : "?" };
        var pre = Network<double>.Build(Spec(BranchLayout.PreActivation));
        Assert.Equal(["linear", "norm"], pre.Blocks[0].Layers.Select(Kind));
        Assert.Equal(["norm", "act", "linear", "norm", "act", "linear"], pre.Blocks[1].Layers.Select(Kind));
        var post = Network<double>.Build(Spec(BranchLayout.PostActivation));
        Assert.IsType<Linear<double>>(post.Blocks[1].Layers[0]);
        Assert.True(post.Blocks[0].Layers[^1].IsNonlinearity);
        // Same parameter names and shapes in both layouts (checkpoints differ only in the architecture metadata).
        static IEnumerable<ParameterInfo> ByName(Network<double> n) => n.Layout.Entries.OrderBy(e => e.Name, StringComparer.Ordinal);
        Assert.Equal(ByName(pre), ByName(post));
    }

    [Fact]
    public void Short_names_round_trip_and_others_are_refused()
    {
        foreach (var layout in Enum.GetValues<BranchLayout>())
            Assert.Equal(layout, BranchLayoutNames.Parse(BranchLayoutNames.Short(layout), "--branch-layout"));
        Assert.Equal(["pre", "post"], new[] { BranchLayout.PreActivation, BranchLayout.PostActivation }.Select(BranchLayoutNames.Short));
        var bad = Assert.Throws<ArgumentException>(() => BranchLayoutNames.Parse("pre-activation", "--branch-layout"));
        Assert.Equal("--branch-layout must be pre or post (got 'pre-activation').", bad.Message);
    }
}
