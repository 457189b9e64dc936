using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Tests.Networks;

/// <summary>A zoo network of 6 linear layers of width 32 on 20 inputs, its θ⁰ and a random labelled batch: the setup of the
/// tests that compare two ways of taking a training step.</summary>
internal sealed record SmallTrainingBatch(Network<float> Network, ParameterSet<float> Theta, Matrix<float> X, int[] Labels)
{
    public static SmallTrainingBatch Create(string arch, int batch)
    {
        var network = Network<float>.Build(
            ArchitectureSpec.Create(arch, new DataShape(20, 10), new NetworkSizes { LinearLayers = 6, Width = 32 }));
        var theta = Initializer.Initialize(network, 4);
        var rng = new Rng(8);
        var x = new Matrix<float>(batch, 20);
        foreach (ref var v in x.Span) v = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(10)).ToArray();
        return new SmallTrainingBatch(network, theta, x, labels);
    }
}
