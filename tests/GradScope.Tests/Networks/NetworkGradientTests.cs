using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Tests.Networks;

/// <summary>Whole small networks of every zoo family against finite differences of the mean loss.</summary>
public class NetworkGradientTests
{
    /// <summary>Every family; ResNets in both branch layouts (pre-activation and post-activation).</summary>
    public static TheoryData<string, BranchLayout> ZooNames()
    {
        var data = new TheoryData<string, BranchLayout>();
        foreach (var res in new[] { "", "resnet-" })
            foreach (var norm in new[] { "", "batch-", "layer-" })
                foreach (var act in new[] { "relu", "tanh", "selu", "linear" })
                {
                    data.Add(res + norm + act, BranchLayout.PreActivation);
                    if (res != "") data.Add(res + norm + act, BranchLayout.PostActivation);
                }
        string[] names =
            ["relu-orth", "tanh-orth", "batch-relu-orth", "relu-ll", "batch-relu-ll", "resnet-relu-ll", "resnet-layer-tanh-orth"];
        foreach (var name in names)
            data.Add(name, ArchitectureSpec.DefaultBranchLayout);
        return data;
    }

    private static ArchitectureSpec SmallSpec(string name, BranchLayout layout = ArchitectureSpec.DefaultBranchLayout) =>
        ArchitectureSpec.Create(name, new DataShape(5, 3), new NetworkSizes { LinearLayers = 5, Width = 6, UnitSize = 2 }) with
        {
            BranchLayout = layout,
        };

    [Theory]
    [MemberData(nameof(ZooNames))]
    public void Parameter_and_input_gradients_match_finite_differences(string name, BranchLayout layout)
    {
        var spec = SmallSpec(name, layout);
        var network = Network<double>.Build(spec);
        var theta = Initializer.Initialize(network, seed: 11);
        var rng = new Rng(5);
        // Perturb every parameter so that biases, norm gains and looks-linear symmetry are all exercised.
        for (int i = 0; i < theta.Count; i++)
            if (theta.Layout.Entries[i].Trainable)
                foreach (ref var v in theta[i].Span) v += 0.1 * rng.NextGaussian();
        var x = GradientCheck.RandomMatrix(6, spec.InputDim, rng);
        int[] labels = [0, 1, 2, 2, 1, 0];
        var tape = network.CreateTape();

        double Loss() => network.Forward(theta, x, labels, network.CreateTape(), ForwardMode.Analyze);

        network.Forward(theta, x, labels, tape, ForwardMode.Analyze);
        var grads = network.CreateParameters();
        network.Backward(theta, tape, grads);
        for (int i = 0; i < theta.Count; i++)
        {
            if (!theta.Layout.Entries[i].Trainable) continue;
            GradientCheck.AssertClose(grads[i].Span, GradientCheck.Numeric(theta[i].Span, Loss), 1e-5,
                $"{name} {theta.Layout.Entries[i].Name}");
        }

        // Input gradient through BackwardStep from position 0 to the input (position L + 1).
        var cotangent = new Matrix<double>(x.Rows, 1);
        cotangent.Span.Fill(1.0 / x.Rows);
        for (int position = 0; position <= network.BlockCount; position++)
        {
            var next = new Matrix<double>(0, 0);
            network.BackwardStep(theta, tape, position, cotangent, next, null);
            cotangent = next;
        }
        GradientCheck.AssertClose(cotangent.Span, GradientCheck.Numeric(x.Span, Loss), 1e-5, $"{name} input");
    }

    [Theory]
    [InlineData("relu", 5, 5)]
    [InlineData("resnet-relu", 5, 3)]
    [InlineData("resnet-relu", 6, 4)]
    [InlineData("resnet-batch-tanh", 50, 26)]
    public void Block_count_follows_the_depth_convention(string name, int depth, int blocks)
    {
        var network = Network<float>.Build(
            ArchitectureSpec.Create(name, DataShape.FashionMnist, new NetworkSizes { LinearLayers = depth }));
        Assert.Equal(blocks, network.BlockCount);
        Assert.Equal(depth, network.Blocks.Sum(b => b.LinearCount));
    }

    [Fact]
    public void Parameters_have_pytorch_style_names_and_shapes()
    {
        var network = Network<float>.Build(
            ArchitectureSpec.Create("resnet-batch-relu", DataShape.FashionMnist, new NetworkSizes { LinearLayers = 5 }));
        var names = network.Layout.Entries.Select(e => e.Name).ToList();
        Assert.Contains("blocks.0.linear.weight", names);
        Assert.Contains("blocks.0.norm.running_var", names);
        Assert.Contains("blocks.2.branch.1.linear.bias", names);
        Assert.Contains("output.weight", names);
        var w = network.Layout.Entries.Single(e => e.Name == "blocks.0.linear.weight");
        Assert.Equal((100, 784), (w.Rows, w.Cols));
    }
}
