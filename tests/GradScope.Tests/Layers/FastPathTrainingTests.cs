using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Tests.Layers;

/// <summary>A few float training steps with the SIMD element-wise paths and with <see cref="KernelSettings.ForceScalar"/>
/// must end at the same parameters up to float rounding.</summary>
public class FastPathTrainingTests
{
    // Normed networks use SGD/momentum: a linear bias in front of batch norm has an exactly-zero gradient
    // mathematically, so its computed gradient is pure rounding noise, which Adam/RMSprop blow up to ±lr steps.
    // selu uses momentum too: a few of its weight gradients are ~1e-8, the size of RMSprop's ε, where g/(√v + ε)
    // turns float rounding into lr-sized differences (the RMSprop kernel itself is bit-checked in ElementWiseTests).
    [Theory]
    [InlineData("relu", OptimizerKind.Adam)]
    [InlineData("tanh", OptimizerKind.Adam)]
    [InlineData("selu", OptimizerKind.Momentum)]
    [InlineData("batch-relu", OptimizerKind.Momentum)]
    [InlineData("layer-tanh", OptimizerKind.Sgd)]
    [InlineData("resnet-relu", OptimizerKind.Adam)]
    [InlineData("resnet-batch-tanh", OptimizerKind.Sgd)]
    public void Fast_and_scalar_paths_train_to_the_same_parameters(string arch, OptimizerKind kind)
    {
        // Width 100 and 784 inputs: > 65k parameters, so the optimizer also takes its parallel path.
        var spec = ArchitectureSpec.Create(arch, new DataShape(784, 10), new NetworkSizes { LinearLayers = 4, Width = 100, UnitSize = 2 });
        ParameterSet<float> Train(bool scalar) =>
            SyntheticTraining.Train(spec, kind, batch: 33, steps: 4, new KernelSettings(ForceScalar: scalar));
        var reference = Train(scalar: true);
        var fast = Train(scalar: false);
        for (int i = 0; i < reference.Count; i++)
        {
            var e = reference[i].Span; var a = fast[i].Span;
            for (int j = 0; j < e.Length; j++)
                Assert.True(Math.Abs(e[j] - a[j]) <= 1e-4 * Math.Max(1, Math.Abs(e[j])),
                    $"{arch} {reference.Layout.Entries[i].Name}[{j}]: scalar {e[j]:R}, fast {a[j]:R}");
        }
    }
}
