using System.Diagnostics;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Bench;

/// <summary>
/// `-- shapes`: single-thread GFLOP/s of the products one slice of a row-parallel step runs, as the best of many
/// single calls (robust on a loaded machine), next to the core's FMA peak measured the same way.
/// </summary>
public static class ShapeProfile
{
    public static void Run(string[] args)
    {
        Console.WriteLine($"FMA peak (1 core, 12 chains of Vector256 FMA): {FmaPeak():F1} GFLOP/s; " +
                          $"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        KernelSettings.Current = new KernelSettings(GemmSingleThreaded: true);
        var shapes = new List<GemmShape>();
        foreach (int rows in args.Length > 0 ? args.Select(int.Parse) : [16, 64, 500])
            foreach (var v in new[] { GemmVariant.NT, GemmVariant.NN, GemmVariant.TN })
                shapes.Add(new GemmShape(v, rows, 100, 100));
        foreach (int rows in args.Length > 0 ? args.Select(int.Parse) : [64, 500])
        {
            shapes.Add(new GemmShape(GemmVariant.NT, rows, 784, 100));
            shapes.Add(new GemmShape(GemmVariant.TN, rows, 784, 100));
            shapes.Add(new GemmShape(GemmVariant.NT, rows, 3072, 100));
            shapes.Add(new GemmShape(GemmVariant.TN, rows, 3072, 100));
        }
        Console.WriteLine($"{"",-22}{"packing op(B) in the call",28}{"op(B) packed beforehand",28}");
        foreach (var s in shapes)
        {
            var op = new GemmOperands(s);
            double best = Best(op.Run), packed = Best(op.RunPacked);
            Console.WriteLine($"{s,-22}{best * 1e6,9:F1} µs {s.Flops / best / 1e9,7:F1} GFLOP/s" +
                              $"{packed * 1e6,9:F1} µs {s.Flops / packed / 1e9,7:F1} GFLOP/s");
        }
    }

    /// <summary>Best single call over 300 ms.</summary>
    internal static double Best(Action run)
    {
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        while (total.ElapsedMilliseconds < 300)
        {
            long t = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds);
        }
        return best;
    }

    private static double FmaPeak()
    {
        double best = double.MaxValue;
        const int iterations = 100_000;
        for (int round = 0; round < 200; round++)
        {
            long t = Stopwatch.GetTimestamp();
            Chains(iterations);
            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds);
        }
        return iterations * 12 * 16 / best / 1e9;
    }

    private static float Chains(int iterations)
    {
        var m = Vector256.Create(0.999f); var a = Vector256.Create(0.001f);
        Vector256<float> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).GetElement(0);
    }
}
