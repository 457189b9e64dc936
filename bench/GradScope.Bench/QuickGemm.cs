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
        string? filter = args.Length > 0 ? args[0] : null;
        Console.WriteLine($"GEMM tier: {GemmTiers.Describe()}");
        Console.WriteLine($"{"variant",-8}{"m",7}{"n",6}{"k",7}{"1 thr GF/s",12}{"pool GF/s",12}{"pool µs",10}");
        WarmUp();
        foreach (var s in GemmShapes.All)
        {
            if (filter != null && !s.ToString().Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            var op = new GemmOperands(s);
            double g1 = Measure(op, singleThread: true, out _);
            double gp = Measure(op, singleThread: false, out double usPool);
            Console.WriteLine($"{s.Variant,-8}{s.M,7}{s.N,6}{s.K,7}{g1,12:F1}{gp,12:F1}{usPool,10:F1}");
        }
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
                GemmDispatch.SingleThreaded = true; op.Run();
                GemmDispatch.SingleThreaded = false; op.Run();
            }
    }

    /// <summary>Best of 5 rounds of ≥ 40 ms each; returns GFLOP/s and the time per call in µs.</summary>
    private static double Measure(GemmOperands op, bool singleThread, out double microseconds)
    {
        GemmDispatch.SingleThreaded = singleThread;
        try
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
        finally { GemmDispatch.SingleThreaded = false; }
    }
}
