using GradScope.Diagnostics;
using GradScope.Layers;
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
    [Theory]
    [InlineData("relu")]
    [InlineData("batch-relu")]
    [InlineData("resnet-batch-relu")]
    public void Blocks_on_the_pool_give_the_bits_of_one_thread_drawing_in_order(string name)
    {
        // Reference: one generator draws every block's probes in block order (the sequence of successive NextGaussian calls),
        // and each block's two VJPs run on fresh caches.
        var spec = Small(name, depth: 9, width: 7, input: 5, classes: 3);
        var theta0 = Initializer.Initialize(Network<double>.Build(spec), 3);
        var theta = theta0.Clone();
        Perturb(theta, 0.2, new Rng(4));
        var p = Make(spec, batch: 6, theta: theta);
        var options = new BlockChangeOptions { Probes = 3 };
        var rng = Rng.ForStream(options.Seed, 1);
        var expected = new double[p.Network.BlockCount];
        for (int b = 0; b < expected.Length; b++)
        {
            var block = p.Network.Blocks[b];
            var x = p.Tape.Activations[b];
            var probes = new Matrix<double>(options.Probes * x.Rows, block.OutputDim);
            foreach (ref var v in probes.Span) v = rng.NextGaussian();
            var (withTheta, withInit) = (new Matrix<double>(0, 0), new Matrix<double>(0, 0));
            var (y, y0) = (new Matrix<double>(0, 0), new Matrix<double>(0, 0));
            var (cache, cache0) = (block.CreateCache(), block.CreateCache());
            block.Forward(theta, x, y, cache, ForwardMode.Analyze);
            block.Backward(theta, x, y, cache, probes, withTheta, null);
            block.Forward(theta0, x, y0, cache0, ForwardMode.Analyze);
            block.Backward(theta0, x, y0, cache0, probes, withInit, null);
            double residual = 0, init = 0;
            for (int i = 0; i < withInit.Length; i++)
            {
                double d = withTheta.Span[i] - withInit.Span[i];
                residual += d * d;
                init += withInit.Span[i] * withInit.Span[i];
            }
            expected[b] = Math.Sqrt(residual / init);
        }
        var serial = BlockChange.Compute(p.Network, theta, theta0, p.Tape, options with { Pool = new WorkerPool(0) });
        var parallel = BlockChange.Compute(p.Network, theta, theta0, p.Tape, options with { Pool = Threads });
        for (int b = 0; b < expected.Length; b++)
        {
            // The sums run in vector lanes, so they agree with the plain loop to rounding; the two pools to the bit.
            Near(expected[b], serial[b].ResidualJacobianRatio, 1e-12, $"block {b}");
            Assert.Equal(serial[b], parallel[b]);
        }
    }

    [Fact]
    public void A_failing_block_ends_the_call_with_its_exception()
    {
        // θ⁰ of a shallower network: the blocks past its depth fail on the pool; the call returns and rethrows.
        var p = Make(Small("relu", depth: 9, width: 7, input: 5, classes: 3), batch: 6);
        var shallow = Initializer.Initialize(Network<double>.Build(Small("relu", depth: 3, width: 7, input: 5, classes: 3)), 1);
        Assert.Throws<IndexOutOfRangeException>(
            () => BlockChange.Compute(p.Network, p.Theta, shallow, p.Tape, new BlockChangeOptions { Pool = Threads }));
    }

    /// <summary>Four threads (workers + caller): more than the blocks that are ready at any time.</summary>
    private static readonly WorkerPool Threads = new(3);
}
