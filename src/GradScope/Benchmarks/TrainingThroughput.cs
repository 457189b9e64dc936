using System.Diagnostics;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Benchmarks;

/// <summary>One measured configuration of <c>gradscope bench</c> (same fields as bench/peer/pytorch_mlp.py prints).</summary>
public sealed record TrainingThroughputResult(string Arch, int Batch, int Inputs, string Optimizer, double StepsPerSecond,
    double ExamplesPerSecond, double Gflops);

/// <summary>
/// Training steps per second of a zoo network on random data: forward, backward and an optimizer step, timed
/// after a warm-up (<see cref="WarmUp"/>) for at least a given wall time. Effective GFLOP/s count 6·B·(linear weights) per step
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
        WarmUp(step, seconds, cancel);
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

    /// <summary>Least warm-up time before a measurement of <paramref name="seconds"/>: half of it, between 0.2 and 0.5 s.</summary>
    public static double WarmUpSeconds(double seconds) => Math.Clamp(seconds / 2, 0.2, 0.5);

    /// <summary>The warm-up never takes longer than this.</summary>
    public const double MaxWarmUpSeconds = 3;

    private const double WindowSeconds = 0.1;

    /// <summary>
    /// Steps until the code has settled: for at least <see cref="WarmUpSeconds"/>, then on as long as the fastest step of each
    /// 0.1 s window still beats every earlier window by more than 3 % (at most <see cref="MaxWarmUpSeconds"/>). The runtime
    /// replaces its first, quickly compiled code by optimised code only after a delay and on a background thread, which has to
    /// compete with the pool's threads: on 2 busy cores the first configuration of a process (resnet-relu with SGD in
    /// compare.sh) still ran partly unoptimised after the former fixed 0.5 s and looked slower than Adam, timed second.
    /// A fastest step is what a window gives even on a loaded machine, so the test does not wait for the load to go.
    /// </summary>
    private static void WarmUp(SyntheticTrainingStep step, double seconds, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        double least = WarmUpSeconds(seconds), bestBefore = double.PositiveInfinity, bestInWindow = double.PositiveInfinity;
        double windowEnd = WindowSeconds;
        for (int i = 0; ; i++)
        {
            cancel.ThrowIfCancellationRequested();
            long t0 = Stopwatch.GetTimestamp();
            step.Step();
            bestInWindow = Math.Min(bestInWindow, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            double now = clock.Elapsed.TotalSeconds;
            if (now < windowEnd) continue;
            bool improving = bestInWindow < 0.97 * bestBefore;
            bestBefore = Math.Min(bestBefore, bestInWindow);
            bestInWindow = double.PositiveInfinity;
            windowEnd = now + WindowSeconds;
            if (i >= 5 && ((now >= least && !improving) || now >= MaxWarmUpSeconds)) return;
        }
    }
}
