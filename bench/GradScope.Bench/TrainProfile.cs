using System.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Bench;

/// <summary>
/// `-- train [arch] [batch] [inputs] [steps]`: one training step split into phases (forward, zeroing, backward,
/// Adam), each timed per step; prints the median and the best (the best is what an idle machine gives: on a loaded
/// one most steps are interrupted by other processes). Add `layer` to force the layer-by-layer path.
/// </summary>
public static class TrainProfile
{
    public static void Run(string[] args)
    {
        string arch = args.Length > 0 ? args[0] : "relu";
        int batch = args.Length > 1 ? int.Parse(args[1]) : 128;
        int inputs = args.Length > 2 ? int.Parse(args[2]) : 784;
        int steps = args.Length > 3 ? int.Parse(args[3]) : 300;
        Network<float>.DisableRowParallel = args.Contains("layer");
        var spec = (ArchitectureSpec.Parse(arch) with { InputDim = inputs }).Validate();
        var network = Network<float>.Build(spec);
        var theta = Initializer.Initialize(network, seed: 1);
        var optimizer = Optimizer<float>.Create(OptimizerKind.Adam, network.Layout, 1e-4);
        var x = new Matrix<float>(batch, inputs);
        var rng = new Rng(2);
        foreach (ref var v in x.Span) v = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(10)).ToArray();
        var tape = network.CreateTape();
        var grads = network.CreateParameters();
        long weights = network.Blocks.SelectMany(b => b.Layers).OfType<Linear<float>>().Append(network.Output).Sum(l => (long)l.InputDim * l.OutputDim);
        var times = new double[5][];
        for (int p = 0; p < 5; p++) times[p] = new double[steps];
        for (int s = -20; s < steps; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            network.Forward(theta, x, labels, tape, ForwardMode.Train);
            long t1 = Stopwatch.GetTimestamp();
            grads.Clear();
            long t2 = Stopwatch.GetTimestamp();
            network.Backward(theta, tape, grads);
            long t3 = Stopwatch.GetTimestamp();
            optimizer.Step(theta, grads);
            long t4 = Stopwatch.GetTimestamp();
            if (s < 0) continue;
            times[0][s] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
            times[1][s] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
            times[2][s] = Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds;
            times[3][s] = Stopwatch.GetElapsedTime(t3, t4).TotalMicroseconds;
            times[4][s] = Stopwatch.GetElapsedTime(t0, t4).TotalMicroseconds;
        }
        Console.WriteLine($"{arch} batch {batch} inputs {inputs}{(Network<float>.DisableRowParallel ? " (layer path)" : "")}, {steps} steps; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        string[] names = ["forward", "zero", "backward", "adam", "step"];
        for (int p = 0; p < 5; p++)
        {
            var sorted = times[p].Order().ToArray();
            Console.WriteLine($"  {names[p],-9} best {sorted[0],9:F0} µs  p10 {sorted[steps / 10],9:F0} µs  median {sorted[steps / 2],9:F0} µs");
        }
        double best = times[4].Min(), median = times[4].Order().ElementAt(steps / 2);
        Console.WriteLine($"  step: best {batch / best * 1e6:N0} ex/s ({6.0 * batch * weights / best / 1e3:F1} GFLOP/s), median {batch / median * 1e6:N0} ex/s");
    }
}
