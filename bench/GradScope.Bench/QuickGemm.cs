using System.Diagnostics;
using GradScope.Tensors;

namespace GradScope.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/GradScope.Bench -- quick [filter]`: a few-second GFLOP/s table of the
/// GEMM shapes that matter, on 1 thread and on the whole pool, without BenchmarkDotNet. For tuning.
/// </summary>
public static class QuickGemm
{
    public static void Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "threshold")
        {
            Threshold();
            return;
        }
        string? filter = args.Length > 0 ? args[0] : null;
        Console.WriteLine($"GEMM tier: {GemmTiers.Describe()}");
        WarmUp();
        Console.WriteLine($"WorkerPool.For(2, 2 × 10 µs of work): {MeasureHandoff():F1} µs per call (10 = perfect split, 20 = serial)");
        Console.WriteLine($"{"variant",-8}{"m",7}{"n",6}{"k",7}{"1 thr GF/s",12}{"pool GF/s",12}{"pool µs",10}");
        foreach (var s in GemmShapes.All)
        {
            if (filter != null && !s.ToString().Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            var op = new GemmOperands(s);
            double g1 = Measure(op, singleThread: true, out _);
            double gp = Measure(op, singleThread: false, out double usPool);
            Console.WriteLine($"{s.Variant,-8}{s.M,7}{s.N,6}{s.K,7}{g1,12:F1}{gp,12:F1}{usPool,10:F1}");
        }
    }

    /// <summary>`quick threshold`: small products on 1 thread vs forced onto the pool, to place
    /// GemmBlocked.ParallelThresholdFlops where the pool starts to win.</summary>
    private static void Threshold()
    {
        WarmUp();
        // The threshold is a static of each kernel's driver: set it for both float tiers.
        long saved = GemmBlocked<float, Avx2Float6x16>.ParallelThresholdFlops;
        GemmBlocked<float, Avx2Float6x16>.ParallelThresholdFlops = 0;
        GemmBlocked<float, Avx512Float8x32>.ParallelThresholdFlops = 0;
        try
        {
            Console.WriteLine($"{"shape",-22}{"MFLOP",8}{"1 thr µs",10}{"pool µs",10}");
            foreach (var v in new[] { GemmVariant.NT, GemmVariant.NN, GemmVariant.TN })
                foreach (int batch in new[] { 8, 16, 32, 48, 64, 96 })
                {
                    var op = new GemmOperands(new(v, batch, 100, 100));
                    Measure(op, singleThread: true, out double us1);
                    Measure(op, singleThread: false, out double usP);
                    Console.WriteLine($"{op.Shape,-22}{op.Shape.Flops / 1e6,8:F2}{us1,10:F1}{usP,10:F1}");
                }
        }
        finally
        {
            GemmBlocked<float, Avx2Float6x16>.ParallelThresholdFlops = saved;
            GemmBlocked<float, Avx512Float8x32>.ParallelThresholdFlops = saved;
        }
    }

    /// <summary>Busy-waits 10 µs: two of them on two threads show the cost of the handoff.</summary>
    private readonly struct Spin10 : IWorkItem
    {
        public void Invoke(int index)
        {
            long end = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100_000;
            while (Stopwatch.GetTimestamp() < end) { }
        }
    }

    private static double MeasureHandoff()
    {
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 2_000; i++) WorkerPool.Shared.For(2, new Spin10());
            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / 2_000);
        }
        return best;
    }

    /// <summary>Runs every variant on both paths for ~0.5 s so that the JIT has promoted the driver to tier 1
    /// (tier-up waits for 30 calls and a 100 ms quiet period) before anything is timed.</summary>
    private static void WarmUp()
    {
        var ops = new[] { GemmVariant.NT, GemmVariant.NN, GemmVariant.TN }.Select(v => new GemmOperands(new(v, 256, 100, 100))).ToArray();
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 500)
            foreach (var op in ops)
            {
                using (KernelSettings.Use(new KernelSettings(GemmSingleThreaded: true))) op.Run();
                op.Run();
            }
    }

    /// <summary>Best of 5 rounds of ≥ 40 ms each; returns GFLOP/s and the time per call in µs.</summary>
    private static double Measure(GemmOperands op, bool singleThread, out double microseconds)
    {
        using (KernelSettings.Use(new KernelSettings(GemmSingleThreaded: singleThread)))
        {
            op.Run();
            long reps = 1;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 10) { op.Run(); reps++; }
            reps = Math.Max(1, reps * 4);
            double best = double.MaxValue;
            for (int round = 0; round < 5; round++)
            {
                sw.Restart();
                for (long r = 0; r < reps; r++) op.Run();
                best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
            }
            microseconds = best * 1e6;
            return op.Shape.Flops / best / 1e9;
        }
    }
}
