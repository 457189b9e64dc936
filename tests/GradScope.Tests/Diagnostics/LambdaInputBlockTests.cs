using GradScope.Diagnostics;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class LambdaInputBlockTests
{
    /// <summary>A pool of three threads (workers + caller): row blocks wait for their turn at the accumulators.</summary>
    private static readonly WorkerPool Threads = new(2);

    [Theory]
    [InlineData("relu", 5)]
    [InlineData("relu", 16)]
    [InlineData("batch-relu", 37)]
    [InlineData("layer-relu", 8)]
    [InlineData("resnet-batch-relu", 13)]
    [InlineData("resnet-layer-tanh", 24)]
    public void Streamed_input_block_gives_the_bits_of_whole_groups(string name, int input)
    {
        // Input widths that are and are not whole pairs of vectors (the accumulators then carry a row's last values over).
        const int batch = 6;
        var (p, theta0) = ResidualTrickTests.Trained(Small(name, depth: 9, width: 7, input: input, classes: 3), batch, initSeed: 7,
            sigma: 0.2, noiseSeed: 8);
        Assert.True(LambdaInputBlock.Applies(p.Network.Blocks[0]));
        var whole = ResidualTrick.Compute(p.Network, p.Theta, theta0, p.Tape,
            new ResidualTrickOptions { StreamInputBlock = false, PerBlock = true, Pool = new WorkerPool(0) });
        Assert.True(whole.Profile.Weights[^1] > 0, "every λ is carried");
        foreach (var (pool, maxRows) in new[] { (new WorkerPool(0), 1 << 20), (Threads, batch), (Threads, 1 << 20) })
        {
            var streamed = ResidualTrick.Compute(p.Network, p.Theta, theta0, p.Tape,
                new ResidualTrickOptions { PerBlock = true, Pool = pool, MaxRows = maxRows });
            Assert.Equal(whole.Profile.Weights, streamed.Profile.Weights);
            Assert.Equal(whole.Profile.LogTotal, streamed.Profile.LogTotal);
            Assert.Equal(whole.Profile.Position, streamed.Profile.Position);
            Assert.Equal(whole.PerBlock.Count, streamed.PerBlock.Count);
            Assert.Equal(whole.Truncation.RelativeError, streamed.Truncation.RelativeError);
            Assert.Equal(whole.Truncation.Cancellation, streamed.Truncation.Cancellation);
            Assert.Equal(whole.Truncation.EffectiveDepth, streamed.Truncation.EffectiveDepth);
            Assert.Equal(whole.EffectiveDepth, streamed.EffectiveDepth);
        }
    }

    [Fact]
    public void Streamed_input_block_at_initialisation_keeps_one_group()
    {
        // θ = θ⁰ except the first block: only the last step splits, so the input sees λ = 0 and λ = 1.
        const int batch = 5;
        var (p, theta0) = ResidualTrickTests.Trained(Small("batch-relu", depth: 6, width: 6, input: 11, classes: 3), batch, initSeed: 9,
            sigma: 0, noiseSeed: 1);
        var theta = theta0.Clone();
        Perturb(theta, 0.3, new Rng(10), name => name.StartsWith("blocks.0.", StringComparison.Ordinal));
        var probe = Make(p.Network.Spec, batch: batch, theta: theta);
        var whole = ResidualTrick.Compute(probe.Network, theta, theta0, probe.Tape, new ResidualTrickOptions { StreamInputBlock = false });
        var streamed = ResidualTrick.Compute(probe.Network, theta, theta0, probe.Tape);
        Assert.True(whole.Profile.Weights[1] > 0);
        Assert.All(whole.Profile.Weights.Skip(2), w => Assert.Equal(0.0, w));
        Assert.Equal(whole.Profile.Weights, streamed.Profile.Weights);
        Assert.Equal(whole.Truncation.RelativeError, streamed.Truncation.RelativeError);
        Assert.Equal(whole.Truncation.Cancellation, streamed.Truncation.Cancellation);
    }

    [Fact]
    public void Square_sums_fed_in_pieces_equal_the_whole_sum()
    {
        var rng = new Rng(31);
        foreach (int length in new[] { 0, 1, 7, 8, 9, 31, 100, 784, 1001 })
        {
            var x = new double[length];
            for (int i = 0; i < length; i++) x[i] = rng.NextGaussian() * Math.Pow(10, rng.NextInt(9) - 4);
            double whole = DiagMath.SumSquares<double>(x);
            foreach (int piece in new[] { 1, 3, 8, 13, 100 })
            {
                var sums = new SquareSums();
                for (int i = 0; i < length; i += piece) sums.Add(x.AsSpan(i, Math.Min(piece, length - i)));
                Assert.Equal(whole, sums.Total);
            }
        }
    }
}
