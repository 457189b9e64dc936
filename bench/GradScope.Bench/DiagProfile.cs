using System.Diagnostics;
using GradScope.Benchmarks;
using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Bench;

/// <summary>
/// `-- diag [arch] [repeats] [part]`: the diagnostics of the reference problem (50 × 100, 256 inputs, θ = θ⁰ + 0.01 noise)
/// split into parts, each the best of a few repeats (and its first call, which pays for fresh buffers), plus the block
/// backward the λ dynamic program is made of, alone. One part only: trick, change, dilution, profile-only, matrix-only, float
/// (the profile and the λ program in float, and the profile's largest difference from double),
/// gauss (the probes' Gaussian draws); rows=N and maxrows=N set the chunk rows of the loss sweep and of the λ program.
/// </summary>
public static class DiagProfile
{
    public static void Run(string[] args)
    {
        string arch = args.ElementAtOrDefault(0) ?? "relu";
        int repeats = int.TryParse(args.ElementAtOrDefault(1), out int r) ? r : 3;
        var (spec, network, theta0, theta, x, labels) = DiagnosticsBenchmark.Problem.Create(arch, NetworkSizes.Default, 256);
        var rng = new Rng(3);
        var tape = network.CreateTape();
        network.Forward(theta, x, labels, tape, ForwardMode.Analyze);
        // rows=N: rows of one chunk of the loss-vector sweep (the exact profile of batch-norm nets).
        string? rowsArg = args.FirstOrDefault(a => a.StartsWith("rows=", StringComparison.Ordinal));
        var options = rowsArg is null ? new JacobianOptions() : new JacobianOptions { LossSweepChunkRows = int.Parse(rowsArg[5..]) };
        var tools = new JacobianTools<double>(network, theta, tape, options);
        // maxrows=N: rows of one chunk of the λ dynamic program (the effective depth).
        string? maxRowsArg = args.FirstOrDefault(a => a.StartsWith("maxrows=", StringComparison.Ordinal));
        var trickOptions = maxRowsArg is null
            ? new ResidualTrickOptions()
            : new ResidualTrickOptions { MaxRows = int.Parse(maxRowsArg[8..]) };
        string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine($"{arch}: 50 × 100, batch 256; load {load}; best of {repeats}");
        if (args.Contains("gauss"))
        {
            var draws = new double[50 * 8 * 256 * 100];
            Time("50 × 8 × 256 × 100 Gaussian draws", repeats, () => DiagMath.FillGaussian<double>(draws, new Rng(5)));
            return;
        }
        if (args.Contains("dgemm"))
        {
            DoubleProducts();
            return;
        }
        if (args.Contains("analyze"))
        {
            for (int i = 0; i < repeats; i++)
            {
                var report = DiagnosticsRunner.Analyze(network, theta, theta0, x, labels);
                Console.WriteLine("  " + string.Join("  ", report.TimingsMs!.Select(t => $"{t.Key} {t.Value:0}")));
            }
            return;
        }
        if (args.Contains("change"))
        {
            Time("block change", repeats, () => BlockChange.Compute(network, theta, theta0, tape));
            return;
        }
        if (args.Contains("matrix-only"))
        {
            Time("gsc matrix", 1, () => GradientScale.Matrix(tools));
            return;
        }
        if (args.Contains("float"))
        {
            // The same profile and λ program in float: what the SPEC's double costs (its §2 keeps every metric in double).
            var floatNetwork = Network<float>.Build(spec);
            var floatTheta = theta.Convert<float>();
            var floatTheta0 = theta0.Convert<float>();
            var floatTape = floatNetwork.CreateTape();
            floatNetwork.Forward(floatTheta, x.Convert<float>(), labels, floatTape, ForwardMode.Analyze);
            var floatTools = new JacobianTools<float>(floatNetwork, floatTheta, floatTape, options);
            Time("gsc profile, float", repeats, () => GradientScale.Profile(floatTools, JacobianMode.Auto, new VerdictOptions()));
            Time("residual trick, float", repeats, () => ResidualTrick.Compute(floatNetwork, floatTheta, floatTheta0, floatTape));
            var d = GradientScale.Profile(tools, JacobianMode.Auto, new VerdictOptions());
            var f = GradientScale.Profile(floatTools, JacobianMode.Auto, new VerdictOptions());
            double worst = d.Values.Zip(f.Values, (a, b) => Math.Abs(b.Log - a.Log)).Max();
            Console.WriteLine($"  largest |log GSC(k, 0) float − double| {worst:E2}");
            return;
        }
        if (args.Contains("profile-only"))
        {
            Time("gsc profile", repeats, () => GradientScale.Profile(tools, JacobianMode.Auto, new VerdictOptions()));
            return;
        }
        if (args.Contains("dilution"))
        {
            Time("dilution", repeats, () => Dilution.Compute(tools));
            return;
        }
        if (args.Contains("trick"))
        {
            Time("residual trick", repeats, () => ResidualTrick.Compute(network, theta, theta0, tape, trickOptions));
            return;
        }
        Time("gsc profile", repeats, () => GradientScale.Profile(tools, JacobianMode.Auto, new VerdictOptions()));
        Time("collapse", repeats, () => CollapseMetrics.ForNetwork(network, theta, tape));
        Time("residual trick", repeats, () => ResidualTrick.Compute(network, theta, theta0, tape, trickOptions));
        Time("block change", repeats, () => BlockChange.Compute(network, theta, theta0, tape));
        if (args.Contains("matrix")) Time("gsc matrix", 1, () => GradientScale.Matrix(tools));
        var block = network.Blocks[1];
        var dy = new Matrix<double>(25 * 256, block.OutputDim);
        DiagMath.FillGaussian(dy.Span, rng);
        var dx = new Matrix<double>(0, 0);
        Time("one block backward, 25 × 256 rows", repeats * 5,
            () => block.Backward(theta, tape.Activations[1], tape.Activations[2], tape.BlockCaches[1], dy, dx, null));
        var c = new Matrix<double>(25 * 256, 100);
        var w = new Matrix<double>(100, 100);
        Time("gemm 6400 × 100 × 100 double", repeats * 5, () => Gemm.Multiply(dy, Op.None, w, Op.None, c, 1.0, 0.0));
    }

    /// <summary>Single-thread GFLOP/s of the double products of the diagnostics (a chunk of 1,024 cotangent rows through a
    /// 100 × 100 layer: dX = dY·W and dX = dY·Wᵀ), best single call over 300 ms each.</summary>
    private static void DoubleProducts()
    {
        KernelSettings.Current = new KernelSettings(GemmSingleThreaded: true);
        var rng = new Rng(4);
        foreach (int rows in new[] { 256, 1024 })
            foreach (var opB in new[] { Op.None, Op.Transpose })
            {
                var a = new Matrix<double>(rows, 100); var w = new Matrix<double>(100, 100); var c = new Matrix<double>(rows, 100);
                DiagMath.FillGaussian(a.Span, rng); DiagMath.FillGaussian(w.Span, rng);
                double best = ShapeProfile.Best(() => Gemm.Multiply(a, Op.None, w, opB, c, 1.0, 0.0));
                double gflops = 2.0 * rows * 1e4 / best / 1e9;
                Console.WriteLine($"  double {rows} × 100 × 100, op(B) {opB,-9} {best * 1e6,8:F1} µs {gflops,7:F1} GFLOP/s");
            }
    }

    private static void Time(string name, int repeats, Action action)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var first = Stopwatch.StartNew();
        action();
        double cold = first.Elapsed.TotalMilliseconds;
        double coldMegabytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
        double best = double.MaxValue, bestCpu = double.MaxValue;
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            process.Refresh();
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu).TotalMilliseconds);
        }
        // Processor time (all threads) is steadier than wall time on a shared machine, where the other core may be taken.
        // Managed allocation of the first call: fresh memory is paid for in page faults, which a one-shot `analyze` always meets.
        Console.WriteLine($"  {name,-40} {best,9:F1} ms   (first call {cold:F1} ms, {coldMegabytes:F0} MB allocated; " +
                          $"processor time {bestCpu:F0} ms)");
    }
}
