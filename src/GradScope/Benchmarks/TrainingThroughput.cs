using System.Diagnostics;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Benchmarks;

/// <summary>One measured configuration of <c>gradscope bench</c> (same fields as bench/peer/pytorch_mlp.py prints).</summary>
public sealed record TrainingThroughputResult(string Arch, int Batch, int Inputs, string Optimizer, double StepsPerSecond,
    double ExamplesPerSecond, double Gflops);

/// <summary>
/// Training steps per second of a zoo network on random data: forward, backward and an optimizer step, timed
/// after a warm-up (<see cref="WarmUpSeconds"/>) for at least a given wall time. Effective GFLOP/s count 6·B·(linear weights) per step
/// (forward, input gradient and weight gradient products), the convention the PyTorch peer uses too.
/// </summary>
public static class TrainingThroughput
{
    /// <summary>Times the default-sized network <paramref name="arch"/> (SPEC §1.2) on inputs of the given width, 10 classes.</summary>
    public static TrainingThroughputResult Measure(string arch, int batch, int inputs, double seconds,
        OptimizerKind optimizer = OptimizerKind.Adam, CancellationToken cancel = default)
    {
        var spec = ArchitectureSpec.Create(arch, DataShape.FashionMnist with { InputDim = inputs });
        var step = new SyntheticTrainingStep(spec, batch, optimizer);
        // Warm up by time, not by a step count: the runtime replaces its first, quickly compiled code by optimised code
        // only after a delay (tiered compilation, ~0.1–0.3 s after the calls start), so the first configuration of a
        // process measured after 5 steps ran partly unoptimised (SGD, timed first, looked slower than Adam).
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 5 || warmUp.Elapsed.TotalSeconds < WarmUpSeconds(seconds); i++)
        {
            cancel.ThrowIfCancellationRequested();
            step.Step();
        }
        var clock = Stopwatch.StartNew();
        int steps = 0;
        do
        {
            cancel.ThrowIfCancellationRequested();
            step.Step();
            steps++;
        } while (clock.Elapsed.TotalSeconds < seconds || steps < 5);
        double perSecond = steps / clock.Elapsed.TotalSeconds;
        return new TrainingThroughputResult(arch, batch, inputs, Optimizer<float>.KindName(optimizer), perSecond, perSecond * batch,
            perSecond * step.FlopsPerStep / 1e9);
    }

    /// <summary>Warm-up time before a measurement of <paramref name="seconds"/>: half of it, between 0.2 and 0.5 s.</summary>
    public static double WarmUpSeconds(double seconds) => Math.Clamp(seconds / 2, 0.2, 0.5);
}
