using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Layers;

/// <summary>
/// Without parameter gradients a block takes a batch norm and the activation after it back in two passes per cotangent
/// (<see cref="BatchNorm{T}.BackwardWithActivation"/>). It must give the same bits as the layers' own backward passes one
/// after the other, on every element-wise tier.
/// </summary>
public class FusedBatchNormBackwardTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var arch in new[] { "batch-relu", "batch-tanh", "batch-selu", "resnet-batch-relu" })
            foreach (int tier in ElementWiseTiers.All)
                data.Add(arch, tier);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_block_backward_equals_the_layer_by_layer_one_to_the_bit(string arch, int tier)
    {
        using var scope = KernelSettings.Use(ElementWiseTiers.Settings(tier));
        int batch = 11, width = 21; // 21 columns: a 16-lane part, a 4-lane part and a scalar tail in double
        var p = Make(Small(arch, depth: 3, width: width, input: 5, classes: 3), batch, seed: 3, edit: t => Perturb(t, 0.3, new Rng(4)));
        var block = p.Network.Blocks[1];
        var (x, y, cache) = (p.Tape.Activations[1], p.Tape.Activations[2], p.Tape.BlockCaches[1]);
        var rng = new Rng(12);

        // One cotangent: the path with parameter gradients does not fuse, the one without does.
        var dy = GradientCheck.RandomMatrix(batch, width, rng);
        var plain = new Matrix<double>(0, 0);
        var grads = p.Network.CreateParameters();
        block.Backward(p.Theta, x, y, cache, dy, plain, grads);
        var fused = new Matrix<double>(0, 0);
        block.Backward(p.Theta, x, y, cache, dy, fused, null);
        AssertSameBits(plain, fused);

        // Three stacked cotangents against the layers' backward passes called one by one (plain blocks).
        if (block is not PlainBlock<double>) return;
        var stacked = GradientCheck.RandomMatrix(3 * batch, width, rng);
        var current = stacked;
        for (int i = block.Layers.Count - 1; i >= 0; i--)
        {
            var input = i == 0 ? x : cache.Outputs[i - 1];
            var output = i == block.Layers.Count - 1 ? y : cache.Outputs[i];
            var target = new Matrix<double>(0, 0);
            block.Layers[i].Backward(p.Theta, input, output, cache.LayerCaches[i], current, target, null);
            current = target;
        }
        var fusedStacked = new Matrix<double>(0, 0);
        block.Backward(p.Theta, x, y, cache, stacked, fusedStacked, null);
        AssertSameBits(current, fusedStacked);
    }

    [Fact]
    public void The_fused_path_is_taken_and_sees_the_cross_example_terms()
    {
        // Guards the comparison above: the fused pass must differ from a backward that drops the batch-norm sums.
        var p = Make(Small("batch-relu", depth: 3, width: 6, input: 5, classes: 3), 9, seed: 5);
        var block = p.Network.Blocks[1];
        var norm = block.Layers.OfType<BatchNorm<double>>().Single();
        var dy = GradientCheck.RandomMatrix(9, 6, new Rng(1));
        var fused = new Matrix<double>(0, 0);
        block.Backward(p.Theta, p.Tape.Activations[1], p.Tape.Activations[2], p.Tape.BlockCaches[1], dy, fused, null);
        var cache = p.Tape.BlockCaches[1];
        int bn = block.Layers.ToList().IndexOf(norm);
        var g = new Matrix<double>(0, 0);
        var h = new Matrix<double>(0, 0);
        norm.BackwardWithActivation(p.Theta, cache.LayerCaches[bn], block.Layers[bn + 1], cache.Outputs[bn], p.Tape.Activations[2],
            dy, g, h);
        var invStd = ((BatchNorm<double>.Cache)cache.LayerCaches[bn]).InverseStd.Span;
        var gamma = p.Theta[norm.GainIndex].Span;
        double maxDiff = 0;
        for (int r = 0; r < 9; r++)
            for (int j = 0; j < 6; j++) maxDiff = Math.Max(maxDiff, Math.Abs(h[r, j] - g[r, j] * gamma[j] * invStd[j]));
        Assert.True(maxDiff > 1e-3, $"the batch sums changed nothing (max difference {maxDiff:G3})");
    }

    private static void AssertSameBits(Matrix<double> expected, Matrix<double> actual)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Cols, actual.Cols);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected.Span[i]) == BitConverter.DoubleToInt64Bits(actual.Span[i]),
                $"element {i}: {expected.Span[i]:R} vs {actual.Span[i]:R}");
    }
}
