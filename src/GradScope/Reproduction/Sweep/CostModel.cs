using System.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// Turns cell costs (parameter × example passes) into seconds by timing a few training steps of the
/// preset's reference network on this machine; used for the plan's ETA.
/// </summary>
public static class CostModel
{
    /// <summary>Seconds per cost unit, measured on a ReLU network of the preset's depth and width (about a second of work).</summary>
    public static double Calibrate(ReproductionPreset preset, SweepData data)
    {
        var spec = ArchitectureSpec.Create("relu", data.Shape, preset.Sizes);
        var network = Network<float>.Build(spec);
        var theta = Initializer.Initialize(network, 1);
        var grads = network.CreateParameters();
        var optimizer = Optimizer<float>.Create(OptimizerKind.Sgd, network.Layout, 1e-3);
        var tape = network.CreateTape();
        var batch = data.Splits.Train.Take(preset.BatchSize);
        void Step()
        {
            network.Forward(theta, batch.Inputs, batch.Labels, tape, ForwardMode.Train);
            network.Gradient(theta, tape, grads);
            optimizer.Step(theta, grads);
        }
        // Warm up past tiered JIT compilation: the first steps run unoptimised code and would inflate the ETA several-fold.
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 30 && warmUp.Elapsed.TotalSeconds < 1.0; i++) Step();
        var clock = Stopwatch.StartNew();
        int steps = 0;
        while (steps < 2 || (clock.Elapsed.TotalSeconds < 0.5 && steps < 200)) { Step(); steps++; }
        double units = 3.0 * steps * batch.Count * spec.TrainableParameters;
        return clock.Elapsed.TotalSeconds / units;
    }
}
