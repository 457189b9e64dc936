using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Tests.Networks;

/// <summary>A training step gives bit-identical gradients whether or not the worker pool is free at that moment.</summary>
public class DeterminismTests
{
    private sealed class Step(Network<float> network, ParameterSet<float> theta, Matrix<float> x, int[] labels)
    {
        public ParameterSet<float> Gradients()
        {
            var tape = network.CreateTape();
            var grads = network.CreateParameters();
            network.Forward(theta, x, labels, tape, ForwardMode.Train);
            network.Backward(theta, tape, grads);
            return grads;
        }
    }

    /// <summary>Runs the step from inside a pool job, where the pool is busy and every parallel call runs inline.</summary>
    private readonly struct InsidePool(Step step, ParameterSet<float>[] result) : IWorkItem
    {
        public void Invoke(int index)
        {
            if (index == 0) result[0] = step.Gradients();
        }
    }

    [Theory]
    [InlineData("relu", 128)]
    [InlineData("resnet-tanh", 1000)]
    [InlineData("layer-relu", 128)]
    [InlineData("resnet-layer-tanh", 1000)]
    [InlineData("batch-relu", 128)]
    [InlineData("batch-tanh", 1000)]
    public void Gradients_do_not_depend_on_whether_the_pool_is_busy(string arch, int batch)
    {
        var (network, theta, x, labels) = SmallTrainingBatch.Create(arch, batch);
        var step = new Step(network, theta, x, labels);

        var free = step.Gradients();
        var busy = new ParameterSet<float>[1];
        WorkerPool.Shared.For(2, new InsidePool(step, busy));
        for (int i = 0; i < free.Count; i++)
            Assert.True(free[i].Span.SequenceEqual(busy[0][i].Span), $"{free.Layout.Entries[i].Name} differs");
    }
}
