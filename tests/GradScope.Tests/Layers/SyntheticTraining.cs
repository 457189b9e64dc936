using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Tests.Layers;

/// <summary>A few float training steps of a freshly initialised network on a fixed Gaussian batch, under given kernel
/// settings: what the tests comparing kernel paths (scalar/fast, tiers) train.</summary>
internal static class SyntheticTraining
{
    public static ParameterSet<float> Train(ArchitectureSpec spec, OptimizerKind kind, int batch, int steps, KernelSettings settings)
    {
        using var scope = KernelSettings.Use(settings);
        var net = Network<float>.Build(spec);
        var theta = Initializer.Initialize(net, 3);
        var rng = new Rng(8);
        var x = new Matrix<float>(batch, spec.InputDim);
        foreach (ref var v in x.Span) v = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, batch).Select(i => i % spec.Classes).ToArray();
        var tape = net.CreateTape();
        var grads = net.CreateParameters();
        var opt = Optimizer<float>.Create(kind, net.Layout, 1e-3);
        for (int step = 0; step < steps; step++)
        {
            net.Forward(theta, x, labels, tape, ForwardMode.Train);
            grads.Clear();
            net.Backward(theta, tape, grads);
            opt.Step(theta, grads);
        }
        return theta;
    }
}
