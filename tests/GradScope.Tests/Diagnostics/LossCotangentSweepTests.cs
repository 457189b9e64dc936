using GradScope.Diagnostics;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

/// <summary>
/// The exact ‖∂f_0/∂f_k‖_F² of batch-coupled networks by chunks of loss-vector unit cotangents on the worker pool
/// (<see cref="LossCotangentSweep"/>): independent of the chunk size to the bit, and equal to one stacked sweep of all B unit
/// cotangents through <see cref="JacobianTools{T}.Sweep"/> (the layer-by-layer path it replaces).
/// </summary>
public class LossCotangentSweepTests
{
    private static FrobeniusEstimate[] WithChunkRows(Probe p, int rows, int kMax)
    {
        var tools = new JacobianTools<double>(p.Network, p.Theta, p.Tape, new JacobianOptions { LossSweepChunkRows = rows });
        return tools.Exact(0, kMax, perExample: true);
    }

    /// <summary>A small network of <paramref name="name"/> with perturbed parameters, analysed on one batch; kMax = the input.</summary>
    private static (Probe P, int Batch, int KMax) Perturbed(string name, int batch, int depth, ulong seed)
    {
        var p = Make(Small(name, depth, width: 7, input: 5, classes: 3), batch, seed, edit: t => Perturb(t, 0.25, new Rng(seed + 1)));
        return (p, batch, p.Network.BlockCount + 1);
    }

    [Theory]
    [InlineData("batch-relu")]
    [InlineData("resnet-batch-relu")]
    [InlineData("batch-tanh")]
    public void Chunk_size_does_not_change_a_bit(string name)
    {
        var (p, batch, kMax) = Perturbed(name, batch: 21, depth: 5, seed: 4);
        var one = WithChunkRows(p, 1, kMax); // below one cotangent: one per chunk
        foreach (int rows in new[] { batch, 2 * batch, 5 * batch, 100 * batch })
        {
            var other = WithChunkRows(p, rows, kMax);
            for (int k = 0; k <= kMax; k++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(one[k].LogSquared), BitConverter.DoubleToInt64Bits(other[k].LogSquared));
        }
        Assert.All(one, e => Assert.True(e.Exact && e.Samples == batch));
    }

    [Theory]
    [InlineData("batch-relu")]
    [InlineData("resnet-batch-relu")]
    [InlineData("batch-selu")]
    public void Equals_one_stacked_sweep_of_all_unit_cotangents(string name)
    {
        var (p, batch, kMax) = Perturbed(name, batch: 13, depth: 4, seed: 9);
        var seed = new Matrix<double>(batch * batch, 1);
        for (int c = 0; c < batch; c++) seed[c * batch + c, 0] = 1;
        var reference = new double[kMax + 1];
        p.Tools.Sweep(0, kMax, seed, (position, _, sums, logScale) =>
            reference[position] = Math.Log(sums.ToArray().Sum()) + 2 * logScale);
        var chunked = WithChunkRows(p, 2 * batch, kMax);
        Assert.Equal(Math.Log(batch), chunked[0].LogSquared, 15);
        for (int k = 1; k <= kMax; k++) Assert.Equal(reference[k], chunked[k].LogSquared, 1e-12);
    }
}
