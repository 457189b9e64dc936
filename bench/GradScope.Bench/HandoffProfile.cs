using System.Diagnostics;
using GradScope.Benchmarks;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Bench;

/// <summary>
/// `-- handoff [arch] [batch] [windows]`: alternates windows of two-item pool calls whose items wait for each other (so the
/// worker must take one: a call is a round trip between the cores) with windows of SGD training steps, and prints the median
/// of both per window. Shows whether a slow phase of the machine is one where the cores are farther apart (the batch-norm
/// phases hand work over about 100 times per step, and move slices' rows between the cores' caches).
/// </summary>
public static class HandoffProfile
{
    public static void Run(string[] args)
    {
        string arch = args.Length > 0 ? args[0] : "batch-relu";
        int batch = args.Length > 1 ? int.Parse(args[1]) : 128;
        int windows = args.Length > 2 ? int.Parse(args[2]) : 20;
        var step = new SyntheticTrainingStep(ArchitectureSpec.Create(arch, DataShape.FashionMnist), batch, OptimizerKind.Sgd);
        for (int i = 0; i < 50; i++) step.Step();
        var calls = new double[500];
        var steps = new double[100];
        for (int w = 0; w < windows; w++)
        {
            for (int i = 0; i < calls.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int k = 0; k < 10; k++)
                {
                    s_arrived = 0;
                    WorkerPool.Shared.For(2, default(Rendezvous));
                }
                calls[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / 10;
            }
            for (int i = 0; i < steps.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                step.Step();
                steps[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(calls);
            Array.Sort(steps);
            double median = steps[steps.Length / 2], handoff = calls[calls.Length / 2], p90 = calls[calls.Length * 9 / 10];
            Console.WriteLine($"  window {w,2}: handoff median {handoff,6:F2} µs p90 {p90,6:F2} µs" +
                              $"   step median {median,7:F0} µs ({batch / median * 1e6:N0} ex/s)");
        }
    }

    private static int s_arrived;

    /// <summary>Both items wait until both have started, so the worker has to take one: a call is a round trip.</summary>
    private readonly struct Rendezvous : IWorkItem
    {
        public void Invoke(int index)
        {
            Interlocked.Increment(ref s_arrived);
            while (Volatile.Read(ref s_arrived) < 2) Thread.SpinWait(1);
        }
    }
}
