using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GradScope.Benchmarks;
using GradScope.Diagnostics;
using GradScope.IO;
using GradScope.Tensors;
using GradScope.Training;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary><c>gradscope bench</c>: end-to-end speed figures, in the JSON form bench/compare.sh compares with PyTorch.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<string?>("--json") { Description = "Also write the figures as JSON to this file" };
        var seconds = new Option<double>("--seconds") { Description = "Minimum timing per configuration", DefaultValueFactory = _ => 2.0 };
        var archs = new Option<string>("--archs") { Description = "Comma-separated architectures",
            DefaultValueFactory = _ => "relu,batch-relu,resnet-relu" };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes",
            DefaultValueFactory = _ => "32,128,1000" };
        var inputs = new Option<string>("--inputs") { Description = "Comma-separated input sizes", DefaultValueFactory = _ => "784,3072" };
        var optimizers = new Option<string>("--optimizers")
        {
            Description = "Comma-separated optimizers of the training step (sgd, momentum, adam, rmsprop)",
            DefaultValueFactory = _ => "adam",
        };
        var skipTraining = new Option<bool>("--no-training") { Description = "Skip timing the training step (diagnostics only)" };
        var skipDiagnostics = new Option<bool>("--no-diagnostics")
        {
            Description = "Skip timing the diagnostics (GSC profile, exact GSC matrix, effective depth)",
        };
        var command = new Command("bench", "Measure training throughput of the 50×100 MLP zoo and the cost of the diagnostics.");
        foreach (var option in new Option[] { json, seconds, archs, batches, inputs, optimizers, skipTraining,
            skipDiagnostics }) command.Options.Add(option);
        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(token =>
        {
            double minimum = parse.GetValue(seconds);
            if (!(minimum > 0)) throw new ArgumentException($"--seconds must be positive (got {minimum}).");
            var kinds = List(parse.GetValue(optimizers)!).Select(Optimizer<float>.ParseKind).ToArray();
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("arch", "batch", "inputs", "optimizer", "steps/s", "examples/s", "GFLOP/s");
            var results = new List<TrainingThroughputResult>();
            foreach (string arch in parse.GetValue(skipTraining) ? [] : List(parse.GetValue(archs)!))
                foreach (int inputDim in Ints(parse.GetValue(inputs)!, "--inputs"))
                    foreach (int batch in Ints(parse.GetValue(batches)!, "--batches"))
                        foreach (var kind in kinds)
                        {
                            token.ThrowIfCancellationRequested();
                            var r = TrainingThroughput.Measure(arch, batch, inputDim, minimum, kind, token);
                            results.Add(r);
                            context.Console.WriteLine($"gradscope {arch,-17} batch {batch,5} inputs {inputDim,5} {r.Optimizer,-5}: " +
                                                      $"{r.ExamplesPerSecond,10:N0} ex/s {r.Gflops,7:N1} GFLOP/s");
                            table.AddRow(arch, $"{batch}", $"{inputDim}", r.Optimizer, $"{r.StepsPerSecond:N1}",
                                $"{r.ExamplesPerSecond:N0}",
                                $"{r.Gflops:N1}");
                        }
            if (results.Count > 0) context.Console.Write(table);

            IReadOnlyList<DiagnosticsBenchmark.Timing> diagnostics = [];
            if (!parse.GetValue(skipDiagnostics))
            {
                diagnostics = DiagnosticsBenchmark.Measure(matrix: true, progress: line => context.Console.WriteLine($"diagnostics {line}"),
                    cancel: token);
                var timings = new Table().Border(TableBorder.Rounded).AddColumns("network (50×100, 256 inputs)", "part", "wall ms",
                    "cpu ms");
                foreach (var t in diagnostics)
                    timings.AddRow(t.Architecture, t.Part, $"{t.Milliseconds:N0}",
                        double.IsNaN(t.CpuMilliseconds) ? "" : $"{t.CpuMilliseconds:N0}");
                context.Console.Write(timings);
            }

            var document = new JsonObject
            {
                ["tool"] = "gradscope",
                ["version"] = typeof(TrainingThroughput).Assembly.GetName().Version?.ToString(),
                ["threads"] = Environment.ProcessorCount,
                ["gemm_tier"] = GemmTiers.Describe(),
                ["tier"] = GemmTiers.Active.ToString(),
                ["cpu"] = CpuModel(),
                ["training"] = JsonSerializer.SerializeToNode(results, JsonDefaults.Options),
                ["diagnostics"] = JsonSerializer.SerializeToNode(diagnostics, JsonDefaults.Options),
                ["peak_memory_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0),
            };
            context.Console.WriteLine($"peak memory {document["peak_memory_mb"]!.GetValue<double>():N0} MB");
            if (parse.GetValue(json) is string path) AtomicFile.WriteAllText(path, document.ToJsonString(JsonDefaults.Options));
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }

    /// <summary>The CPU's model name from /proc/cpuinfo (Linux), else the architecture.</summary>
    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static IEnumerable<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IEnumerable<int> Ints(string text, string option) => List(text).Select(s =>
        int.TryParse(s, out int v) && v > 0 ? v : throw new ArgumentException($"{option} expects positive integers (got '{s}')."));
}
