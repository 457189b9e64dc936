using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GradScope.Tensors;

namespace GradScope.Bench;

/// <summary>
/// Single-precision GEMM over the layer shapes of the paper's MLPs, on one thread and on the whole pool.
/// The GFLOP/s column is 2·m·n·k divided by the mean time.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn());
    }

    /// <summary>Variant:batch:in:out (see <see cref="GemmShape.Parse"/>).</summary>
    [Params(
        "NT:32:100:100", "NT:128:100:100", "NT:256:100:100", "NT:1000:100:100", "NT:25600:100:100", "NT:1000:784:100", "NT:1000:3072:100",
        "NN:32:100:100", "NN:128:100:100", "NN:256:100:100", "NN:1000:100:100", "NN:25600:100:100", "NN:1000:784:100", "NN:1000:3072:100",
        "TN:32:100:100", "TN:128:100:100", "TN:256:100:100", "TN:1000:100:100", "TN:25600:100:100", "TN:1000:784:100", "TN:1000:3072:100")]
    public string Shape { get; set; } = "NT:1000:100:100";

    [Params(1, 2)]
    public int Threads { get; set; }

    private GemmOperands _operands = null!;

    [GlobalSetup]
    public void Setup()
    {
        _operands = new GemmOperands(GemmShape.Parse(Shape));
        KernelSettings.Current = new KernelSettings(GemmSingleThreaded: Threads == 1);
    }

    [Benchmark]
    public void Multiply() => _operands.Run();

    /// <summary>GFLOP/s = 2·m·n·k / mean time, from the Shape parameter.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOPs";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Billions of floating-point operations per second (2·m·n·k / mean)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats) return "-";
            var shape = GemmShape.Parse((string)benchmarkCase.Parameters["Shape"]!);
            return (shape.Flops / stats.Mean).ToString("F1"); // mean is in ns → flops/ns = GFLOP/s
        }
    }
}
