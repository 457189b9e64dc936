using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class ReluChainFrobeniusTests
{
    /// <summary>The example-wise, mask-skipping norms against the stacked unit-cotangent sweep they replace.</summary>
    [Theory]
    [InlineData(1.0, 1e-12)]
    [InlineData(1e30, 1e-12)] // weights ×1e30 per layer: the cotangents pass 1e200 and are rescaled on the way
    public void Equals_the_stacked_exact_sweep_in_double(double scale, double tolerance)
    {
        var spec = Small("relu", depth: 9, width: 7, input: 5, classes: 3);
        var p = Make(spec, batch: 6, seed: 3, edit: theta =>
        {
            for (int i = 0; i < theta.Count; i++)
                if (theta.Layout.Entries[i].Name.EndsWith(".linear.weight", StringComparison.Ordinal))
                    foreach (ref var v in theta[i].Span) v *= scale;
        });
        int top = p.Network.BlockCount;
        Assert.True(ReluChainFrobenius.Applies(p.Tools, 1, top));
        var fast = ReluChainFrobenius.Compute(p.Tools, 1, top);
        Assert.Null(fast[0]);
        for (int l = 1; l < top; l++)
        {
            var reference = p.Tools.Exact(l, top, perExample: false);
            for (int k = l; k <= top; k++)
            {
                Assert.True(Math.Abs(reference[k].LogSquared - fast[l]![k].LogSquared) <= tolerance * Math.Max(1,
                    Math.Abs(reference[k].LogSquared)),
                    $"l = {l}, k = {k}: {reference[k].LogSquared} vs {fast[l]![k].LogSquared}");
                Assert.True(fast[l]![k].Exact);
                Assert.Equal(reference[k].Samples, fast[l]![k].Samples);
            }
        }
        if (scale > 1) Assert.True(fast[1]![top].LogSquared > Math.Log(1e200), "the deep entries pass the rescaling limit");
    }

    [Theory]
    [InlineData(1)] // one l per stacked sweep
    [InlineData(3 * 7 * 7)] // three at a time
    public void Sweeping_the_positions_in_groups_changes_nothing(int maxStackedElements)
    {
        var p = Make(Small("relu", depth: 9, width: 7, input: 5, classes: 3), batch: 5, seed: 8);
        int top = p.Network.BlockCount;
        var whole = ReluChainFrobenius.Compute(p.Tools, 1, top);
        var grouped = ReluChainFrobenius.Compute(p.Tools, 1, top, maxStackedElements);
        for (int l = 1; l < top; l++)
            Assert.Equal(whole[l]!.Select(f => f.LogSquared), grouped[l]!.Select(f => f.LogSquared));
    }

    [Fact]
    public void Float_matrix_equals_the_double_matrix_to_float_accuracy()
    {
        var spec = Small("relu", depth: 8, width: 9, input: 6, classes: 3);
        var p = Make(spec, batch: 5, seed: 4);
        var exact = GradientScale.Matrix(p.Tools);
        var network = Network<float>.Build(spec);
        var theta = p.Theta.Convert<float>();
        var tape = network.CreateTape();
        network.Forward(theta, p.Input.Convert<float>(), p.Labels, tape, GradScope.Layers.ForwardMode.Analyze);
        var single = GradientScale.Matrix(new JacobianTools<float>(network, theta, tape));
        for (int k = 0; k < exact.Length; k++)
            for (int l = 0; l < k; l++)
                Assert.True(Math.Abs(exact[k][l].Value - single[k][l].Value) <= 1e-5 * exact[k][l].Value, $"GSC({k}, {l})");
    }

    [Theory]
    [InlineData("resnet-relu")]
    [InlineData("batch-relu")]
    [InlineData("tanh")]
    public void Only_plain_chains_of_linear_relu_blocks_qualify(string name)
    {
        var p = Make(Small(name, depth: 5), batch: 4);
        Assert.False(ReluChainFrobenius.Applies(p.Tools, 1, p.Network.BlockCount));
        Assert.Throws<ArgumentException>(() => ReluChainFrobenius.Compute(p.Tools, 1, p.Network.BlockCount));
    }

    [Fact]
    public void Cancellation_is_observed()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var p = Make(Small("relu", depth: 5), batch: 4, options: new JacobianOptions { Cancellation = cancel.Token });
        Assert.ThrowsAny<OperationCanceledException>(() => ReluChainFrobenius.Compute(p.Tools, 1, p.Network.BlockCount));
    }
}
