using System.Diagnostics;
using System.Globalization;
using System.Text;
using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Benchmarks;

/// <summary>
/// Timings of the diagnostics on the reference problem: a depth-50, width-100 network on 256 Gaussian-noise
/// inputs (784 features, 10 classes). θ is θ⁰ plus a small perturbation so that the λ dynamic program carries
/// every λ (as after training); the full GSC matrix is timed in double and float.
/// </summary>
public static class DiagnosticsBenchmark
{
    /// <param name="CpuMilliseconds">Processor time of the whole process over the part (all threads; NaN when not measured).
    /// On a shared machine wall time is inflated by other load, processor time much less so.</param>
    public sealed record Timing(string Architecture, string Part, double Milliseconds, double CpuMilliseconds = double.NaN);

    /// <summary>Runs the benchmark and returns a plain-text table (also available as records through <see cref="Measure"/>).</summary>
    public static string Run(bool matrix = true, IReadOnlyList<string>? architectures = null, Action<string>? progress = null)
    {
        var timings = Measure(matrix, architectures, progress);
        var sb = new StringBuilder();
        sb.AppendLine($"diagnostics benchmark: depth 50, width 100, batch 256, {Environment.ProcessorCount} cores");
        foreach (var group in timings.GroupBy(t => t.Architecture))
        {
            sb.AppendLine($"  {group.Key}");
            foreach (var t in group)
                sb.AppendLine($"    {t.Part,-44} {t.Milliseconds.ToString("0", CultureInfo.InvariantCulture),8} ms" +
                              (double.IsNaN(t.CpuMilliseconds)
                                  ? ""
                                  : $"   (cpu {t.CpuMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms)"));
        }
        return sb.ToString();
    }

    public static IReadOnlyList<Timing> Measure(bool matrix = true, IReadOnlyList<string>? architectures = null,
        Action<string>? progress = null, CancellationToken cancel = default)
    {
        architectures ??= ["relu", "batch-relu", "resnet-batch-relu"];
        // Warm-up: JIT every path on a small network first.
        var warmUp = new NetworkSizes { LinearLayers = 4, Width = 8 };
        foreach (var name in architectures) Time(name, warmUp, batch: 8, matrix: matrix, timings: null, progress: null, cancel);
        var timings = new List<Timing>();
        foreach (var name in architectures)
            Time(name, NetworkSizes.Default, batch: 256, matrix: matrix, timings: timings, progress: progress, cancel);
        return timings;
    }

    /// <summary>The benchmark's problem: θ = θ⁰ + 0.01·N(0, 1) on every trainable parameter, Gaussian inputs, random labels
    /// (fixed seeds), so that the λ dynamic program carries every λ as after training.</summary>
    public sealed record Problem(ArchitectureSpec Spec, Network<double> Network, ParameterSet<double> Theta0, ParameterSet<double> Theta,
        Matrix<double> Inputs, int[] Labels)
    {
        public static Problem Create(string architecture, NetworkSizes sizes, int batch)
        {
            var spec = ArchitectureSpec.Create(architecture, DataShape.FashionMnist, sizes);
            var network = Network<double>.Build(spec);
            var theta0 = Initializer.Initialize(network, 1);
            var theta = theta0.Clone();
            var rng = new Rng(2);
            for (int i = 0; i < theta.Count; i++)
                if (theta.Layout.Entries[i].Trainable)
                    foreach (ref var v in theta[i].Span) v += 0.01 * rng.NextGaussian();
            var x = new Matrix<double>(batch, spec.InputDim);
            DiagMath.FillGaussian(x.Span, rng);
            var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(spec.Classes)).ToArray();
            return new Problem(spec, network, theta0, theta, x, labels);
        }
    }

    private static void Time(string name, NetworkSizes sizes, int batch, bool matrix, List<Timing>? timings, Action<string>? progress,
        CancellationToken cancel)
    {
        var jacobian = new JacobianOptions { Cancellation = cancel };
        var (spec, network, theta0, theta, x, labels) = Problem.Create(name, sizes, batch);

        void Record(string part, double ms, double cpu = double.NaN)
        {
            if (timings is null) return;
            timings.Add(new Timing(name, part, ms, cpu));
            progress?.Invoke($"{name}: {part} {ms:0} ms");
        }
        var process = System.Diagnostics.Process.GetCurrentProcess();
        double Cpu() { process.Refresh(); return process.TotalProcessorTime.TotalMilliseconds; }

        double cpu0 = Cpu();
        var report = DiagnosticsRunner.Analyze(network, theta, theta0, x, labels, new DiagnosticsOptions
        {
            Jacobian = jacobian,
            ResidualTrickOptions = new ResidualTrickOptions { Cancellation = cancel },
        });
        double analyzeCpu = Cpu() - cpu0;
        var parts = report.TimingsMs!; // the runner always records them; only reproduce cells strip them
        foreach (var (part, ms) in parts) Record($"analyze/{part}", ms);
        Record("analyze/profile+collapse+effective depth",
            parts["gsc_profile"] + parts.GetValueOrDefault("collapse") + parts.GetValueOrDefault("effective_depth"));
        Record("analyze (whole)", parts["total"], analyzeCpu);

        if (!matrix) return;
        var tape = network.CreateTape();
        network.Forward(theta, x, labels, tape, ForwardMode.Analyze);
        var tools = new JacobianTools<double>(network, theta, tape, jacobian);
        cpu0 = Cpu();
        var watch = Stopwatch.StartNew();
        GradientScale.Matrix(tools);
        string mode = tools.ResolveMode(JacobianMode.Auto).ToString().ToLowerInvariant();
        Record($"gsc matrix, double ({mode})", watch.Elapsed.TotalMilliseconds, Cpu() - cpu0);

        var floatNetwork = Network<float>.Build(spec);
        var floatTheta = theta.Convert<float>();
        var floatTape = floatNetwork.CreateTape();
        floatNetwork.Forward(floatTheta, x.Convert<float>(), labels, floatTape, ForwardMode.Analyze);
        var floatTools = new JacobianTools<float>(floatNetwork, floatTheta, floatTape, jacobian);
        cpu0 = Cpu();
        watch.Restart();
        GradientScale.Matrix(floatTools);
        Record("gsc matrix, float", watch.Elapsed.TotalMilliseconds, Cpu() - cpu0);
    }
}
