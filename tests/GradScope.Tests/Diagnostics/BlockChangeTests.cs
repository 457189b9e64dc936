using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class BlockChangeTests
{
    [Theory]
    [InlineData("relu")]
    [InlineData("batch-relu")]
    [InlineData("resnet-layer-tanh")]
    public void Nothing_moved_at_initialisation(string name)
    {
        var p = Make(Small(name), batch: 6);
        var entries = BlockChange.Compute(p.Network, p.Theta, p.Theta.Clone(), p.Tape);
        Assert.Equal(p.Network.BlockCount, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.Equal(0, e.Drift);
            Assert.Equal(0, e.WeightAngleDegrees, 6);
            Assert.Equal(0, e.ResidualJacobianRatio);
        });
        Assert.Equal(p.Network.BlockCount, entries[0].Position);
    }

    [Fact]
    public void Scaled_identity_blocks_have_drift_and_jacobian_ratio_epsilon()
    {
        // W⁰ = I, W = (1 + ε) I: J_r = ε·J_i exactly, so the Hutchinson ratio is exact; drift ε, angle 0.
        double[] eps = [0.5, 0.0, -0.25];
        var spec = Small("linear", depth: eps.Length, width: 4, input: 4, classes: 3);
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 2);
        ZeroBiases(network, theta0);
        for (int b = 0; b < eps.Length; b++)
        {
            var w = theta0[$"blocks.{b}.linear.weight"];
            w.Clear();
            for (int i = 0; i < 4; i++) w[i, i] = 1;
        }
        var theta = theta0.Clone();
        for (int b = 0; b < eps.Length; b++) foreach (ref var v in theta[$"blocks.{b}.linear.weight"].Span) v *= 1 + eps[b];
        var p = Make(spec, batch: 5, theta: theta);
        var entries = BlockChange.Compute(network, theta, theta0, p.Tape);
        for (int b = 0; b < eps.Length; b++)
        {
            Assert.Equal(Math.Abs(eps[b]), entries[b].Drift, 12);
            Assert.Equal(Math.Abs(eps[b]), entries[b].ResidualJacobianRatio, 12);
            Assert.Equal(0, entries[b].WeightAngleDegrees, 5);
        }
    }

    [Fact]
    public void Batch_norm_hides_weight_growth_from_the_function()
    {
        // Scaling the weights feeding a batch norm changes the parameters (drift 4) but not the block's function or
        // Jacobian (up to ε = 1e-5 of the variance): the ratio stays tiny and the angle 0.
        var spec = Small("batch-relu", depth: 4, width: 6, input: 5, classes: 3);
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 4);
        var theta = theta0.Clone();
        foreach (ref var v in theta["blocks.1.linear.weight"].Span) v *= 5;
        foreach (ref var v in theta["blocks.1.linear.bias"].Span) v *= 5;
        var p = Make(spec, batch: 8, theta: theta);
        var entries = BlockChange.Compute(network, theta, theta0, p.Tape);
        double weightShare = Math.Sqrt(GradientCheck.Dot(theta0["blocks.1.linear.weight"], theta0["blocks.1.linear.weight"]));
        Assert.True(entries[1].Drift > 3.9 * weightShare / Math.Sqrt(weightShare * weightShare + 6 * 2), $"drift {entries[1].Drift}");
        Assert.Equal(0, entries[1].WeightAngleDegrees, 5);
        Assert.True(entries[1].ResidualJacobianRatio < 1e-3, $"ratio {entries[1].ResidualJacobianRatio}");
        Assert.Equal(0, entries[0].Drift);
    }
}
