using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Tests.Layers;
using GradScope.Training;

namespace GradScope.Tests.Tensors;

/// <summary>
/// The Vector256/AVX2 and Vector512/AVX-512 tiers train to bit-identical parameters: every kernel computes each output
/// element by the same operations in the same order whatever the vector width, so the tier chosen at run time
/// (<see cref="TierSelection"/>, by speed) never changes a result. A tier the CPU lacks is emulated by the JIT.
/// </summary>
public class TierAgreementTests
{
    [Theory]
    [InlineData("relu", OptimizerKind.Adam, 33)]
    [InlineData("batch-tanh", OptimizerKind.Sgd, 40)]
    [InlineData("layer-selu", OptimizerKind.RmsProp, 17)]
    [InlineData("resnet-batch-relu", OptimizerKind.Momentum, 24)]
    public void Both_vector_tiers_train_to_identical_parameters(string arch, OptimizerKind kind, int batch)
    {
        var spec = ArchitectureSpec.Create(arch, new DataShape(300, 10), new NetworkSizes { LinearLayers = 4, Width = 37, UnitSize = 2 });
        ParameterSet<float> Train(VectorTier vector, GemmTier gemm) =>
            SyntheticTraining.Train(spec, kind, batch, steps: 3, new KernelSettings(VectorTier: vector, GemmTier: gemm));
        var narrow = Train(VectorTier.Vector256, GemmTier.Avx2);
        var wide = Train(VectorTier.Vector512, GemmTier.Avx512);
        for (int i = 0; i < narrow.Count; i++)
        {
            var e = narrow[i].Span;
            var a = wide[i].Span;
            for (int j = 0; j < e.Length; j++)
                Assert.True(BitConverter.SingleToInt32Bits(e[j]) == BitConverter.SingleToInt32Bits(a[j]),
                    $"{arch} {narrow.Layout.Entries[i].Name}[{j}]: 256-bit {e[j]:R}, 512-bit {a[j]:R}");
        }
    }
}
