using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Networks;

/// <summary>
/// A diagnostic packs a block's weights once for many backward calls (<see cref="Block{T}.PackBackwardWeights"/>): the block
/// backward must then give the bits of the unpacked one, on every GEMM tier, for stacked cotangents, and be unpacked again
/// after <see cref="Block{T}.ReleaseWeights"/>.
/// </summary>
public class PackedBackwardWeightsTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var arch in new[] { "relu", "batch-relu", "resnet-batch-relu" })
            foreach (var tier in new[] { nameof(GemmTier.Scalar), nameof(GemmTier.Avx2), nameof(GemmTier.Avx512) })
                data.Add(arch, tier);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packed_block_backward_gives_the_unpacked_bits(string arch, string tierName)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if ((tier == GemmTier.Avx2 && !GemmTiers.HasAvx2) || (tier == GemmTier.Avx512 && !GemmTiers.HasAvx512)) return;
        using var scope = KernelSettings.Use(new KernelSettings(GemmTier: tier));
        const int batch = 7, width = 21; // 21 columns: a kernel panel and a column tail
        var p = Make(Small(arch, depth: 4, width: width, input: 37, classes: 3), batch, seed: 5, edit: t => Perturb(t, 0.3, new Rng(6)));
        for (int b = 0; b < p.Network.BlockCount; b++)
        {
            var block = p.Network.Blocks[b];
            var (x, y, cache) = (p.Tape.Activations[b], p.Tape.Activations[b + 1], p.Tape.BlockCaches[b]);
            var dy = GradientCheck.RandomMatrix(3 * batch, block.OutputDim, new Rng((ulong)(20 + b))); // three stacked cotangents
            var unpacked = new Matrix<double>(0, 0);
            block.Backward(p.Theta, x, y, cache, dy, unpacked, null);
            block.PackBackwardWeights(p.Theta, cache);
            var packed = new Matrix<double>(0, 0);
            try { block.Backward(p.Theta, x, y, cache, dy, packed, null); }
            finally { block.ReleaseWeights(cache); }
            Assert.Equal(unpacked.Span.ToArray(), packed.Span.ToArray());
            foreach (var layerCache in cache.LayerCaches.OfType<Linear<double>.Cache>())
                Assert.False(layerCache.BackwardWeights.IsPacked, "released");
        }
    }
}
