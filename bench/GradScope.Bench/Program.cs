using BenchmarkDotNet.Running;
using GradScope.Bench;

// `-- quick [filter]`: a few-second GFLOP/s table for tuning; anything else goes to BenchmarkDotNet,
// e.g. `-- --filter *Gemm*` or `-- --list flat`.
if (args.Length > 0 && args[0] == "train")
{
    TrainProfile.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "diag")
{
    DiagProfile.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "shapes")
{
    ShapeProfile.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "handoff")
{
    HandoffProfile.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "rows")
{
    RowsProfile.Run(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "quick")
{
    QuickGemm.Run(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
