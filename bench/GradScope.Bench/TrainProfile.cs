using System.Diagnostics;
using GradScope.Benchmarks;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Bench;

/// <summary>
/// `-- train [arch] [batch] [inputs] [steps] [layer] [sgd] [series]`: one training step split into phases (forward, zeroing, backward,
/// optimizer: Adam, or SGD with `sgd`), each timed per step; prints the median and the best (the best is what an idle machine
/// gives: on a loaded one most steps are interrupted by other processes). Add `layer` to force the layer-by-layer path,
/// `series` to print the median step of each tenth of the run.
/// </summary>
public static class TrainProfile
{
    public static void Run(string[] args)
    {
        string arch = args.Length > 0 ? args[0] : "relu";
        int batch = args.Length > 1 ? int.Parse(args[1]) : 128;
        int inputs = args.Length > 2 ? int.Parse(args[2]) : DataShape.FashionMnist.InputDim;
        int steps = args.Length > 3 ? int.Parse(args[3]) : 300;
        KernelSettings.Current = new KernelSettings(DisableRowParallel: args.Contains("layer"));
        var optimizer = args.Contains("sgd") ? OptimizerKind.Sgd : OptimizerKind.Adam;
        var step = new SyntheticTrainingStep(ArchitectureSpec.Create(arch, DataShape.FashionMnist with { InputDim = inputs }), batch,
            optimizer);
        var times = new double[4][];
        for (int p = 0; p < 4; p++) times[p] = new double[steps];
        for (int s = -20; s < steps; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            step.Forward();
            long t1 = Stopwatch.GetTimestamp();
            step.Backward();
            long t2 = Stopwatch.GetTimestamp();
            step.Update();
            long t3 = Stopwatch.GetTimestamp();
            if (s < 0) continue;
            times[0][s] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
            times[1][s] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
            times[2][s] = Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds;
            times[3][s] = Stopwatch.GetElapsedTime(t0, t3).TotalMicroseconds;
        }
        string path = KernelSettings.Current.DisableRowParallel ? " (layer path)" : "";
        string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine($"{arch} batch {batch} inputs {inputs}{path}, {steps} steps; load {load}");
        string[] names = ["forward", "backward", optimizer.ToString().ToLowerInvariant(), "step"];
        for (int p = 0; p < 4; p++)
        {
            var sorted = times[p].Order().ToArray();
            Console.WriteLine($"  {names[p],-9} best {sorted[0],9:F0} µs  p10 {sorted[steps / 10],9:F0} µs  " +
                              $"median {sorted[steps / 2],9:F0} µs");
        }
        var sortedSteps = times[3].Order().ToArray();
        double best = sortedSteps[0], median = sortedSteps[steps / 2], mean = times[3].Average();
        Console.WriteLine($"  step: best {batch / best * 1e6:N0} ex/s ({step.FlopsPerStep / best / 1e3:F1} GFLOP/s), " +
                          $"median {batch / median * 1e6:N0} ex/s, mean {batch / mean * 1e6:N0} ex/s (what gradscope bench reports)");
        Console.WriteLine($"  step µs: p90 {sortedSteps[steps * 9 / 10]:F0}  p99 {sortedSteps[steps * 99 / 100]:F0}  " +
                          $"max {sortedSteps[^1]:F0}; share of the time in steps slower than 1.5 × median: " +
                          $"{sortedSteps.Where(t => t > 1.5 * median).Sum() / sortedSteps.Sum():P0}");
        if (!args.Contains("series")) return;
        // The median step of each tenth of the run: shows whether the speed changes state during a process.
        int tenth = Math.Max(1, steps / 10);
        var medians = Enumerable.Range(0, steps / tenth)
            .Select(w => times[3].Skip(w * tenth).Take(tenth).Order().ElementAt(tenth / 2)).Select(t => $"{batch / t * 1e6:N0}");
        Console.WriteLine($"  median ex/s by tenth: {string.Join("  ", medians)}");
    }
}
