using System.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Benchmarks;

/// <summary>One measured configuration of <c>gradscope bench</c> (same fields as bench/peer/pytorch_mlp.py prints).</summary>
public sealed record TrainingThroughputResult(string Arch, int Batch, int Inputs, double StepsPerSecond, double ExamplesPerSecond, double Gflops);

/// <summary>
/// Training steps per second of a zoo network on random data: forward, backward and an Adam step, timed
/// after a warm-up for at least a given wall time. Effective GFLOP/s count 6·B·(linear weights) per step
/// (forward, input gradient and weight gradient products), the convention the PyTorch peer uses too.
/// </summary>
public static class TrainingThroughput
{
    public static TrainingThroughputResult Measure(string arch, int batch, int inputs, double seconds, int depth = 50, int width = 100, int classes = 10)
    {
        var spec = (ArchitectureSpec.Parse(arch) with { Depth = depth, Width = width, InputDim = inputs, Classes = classes }).Validate();
        var network = Network<float>.Build(spec);
        var theta = Initializer.Initialize(network, seed: 1);
        var optimizer = Optimizer<float>.Create(OptimizerKind.Adam, network.Layout, 1e-4);
        var x = new Matrix<float>(batch, inputs);
        var rng = new Rng(2);
        foreach (ref var v in x.Span) v = (float)rng.NextGaussian();
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.NextInt(classes);
        var tape = network.CreateTape();
        var grads = network.CreateParameters();

        void Step()
        {
            network.Forward(theta, x, labels, tape, ForwardMode.Train);
            grads.Clear();
            network.Backward(theta, tape, grads);
            optimizer.Step(theta, grads);
        }

        for (int i = 0; i < 5; i++) Step();
        var clock = Stopwatch.StartNew();
        int steps = 0;
        do
        {
            Step();
            steps++;
        } while (clock.Elapsed.TotalSeconds < seconds || steps < 5);
        double perSecond = steps / clock.Elapsed.TotalSeconds;
        long weights = network.Blocks.SelectMany(b => b.Layers).OfType<Linear<float>>().Append(network.Output)
            .Sum(l => (long)l.InputDim * l.OutputDim);
        return new TrainingThroughputResult(arch, batch, inputs, perSecond, perSecond * batch, perSecond * 6.0 * batch * weights / 1e9);
    }
}
