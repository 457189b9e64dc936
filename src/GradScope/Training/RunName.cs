using GradScope.Data;
using GradScope.Networks;
using static System.FormattableString;

namespace GradScope.Training;

/// <summary>
/// The one naming function for runs: the default <c>train</c> run directory and the ids of reproduce cells. A name holds
/// every option that changes the trained network or its errors, so two runs that differ in any of them never share a
/// directory. Options that only choose what is measured (diagnostics interval and batch) or where files are read from
/// (data directory) are left out. A new option that changes the result must be added here (RunNameTests checks the list).
/// </summary>
public static class RunName
{
    /// <summary>
    /// e.g. <c>batch-relu-d50-w100-adam-lr0.001-b128-e10-s1</c> or <c>resnet-relu-d6-w16-m2-wr0.3-sgd-lr0.1-b32-e2-n500-synthetic-s1</c>:
    /// the architecture, optimiser, learning rate, batch, epochs, then only where set or not the default: training subset
    /// (<c>-n</c>), test subset (<c>-t</c>), dataset, divergence loss (<c>-div</c>); the seed last.
    /// </summary>
    public static string Of(TrainingConfig config) =>
        Architecture(config.Architecture) +
        Invariant($"-{Optimizer<float>.KindName(config.Optimizer)}-lr{config.LearningRate:R}-b{config.BatchSize}-e{config.Epochs}") +
        (config.TrainSubset is int n ? Invariant($"-n{n}") : "") +
        (config.TestSubset is int t ? Invariant($"-t{t}") : "") +
        (config.Dataset != DatasetLocator.DefaultDataset ? $"-{config.Dataset}" : "") +
        (config.DivergenceLoss != TrainingConfig.DefaultDivergenceLoss ? Invariant($"-div{config.DivergenceLoss:R}") : "") +
        Invariant($"-s{config.Seed}");

    /// <summary>
    /// The network part, e.g. <c>relu-ll-d6-w16</c> or <c>resnet-relu-d6-w16-m2-wr0.3</c>: the family name, depth, width and,
    /// for ResNets, m and an explicit w_r (without one, w_r = 1/√U follows from depth and m). Input size and classes
    /// follow from the dataset.
    /// </summary>
    public static string Architecture(ArchitectureSpec a) =>
        Invariant($"{a.Name}-d{a.LinearLayers}-w{a.Width}") +
        (a.IsResidual ? Invariant($"-m{a.UnitSize}") + (a.ResidualWeight is double w ? Invariant($"-wr{w:R}") : "") + LayoutSuffix(a) : "");

    /// <summary>Only a non-default branch layout is named, so that default names stay as they were.</summary>
    private static string LayoutSuffix(ArchitectureSpec a) =>
        a.BranchLayout == ArchitectureSpec.DefaultBranchLayout ? "" : "-" + BranchLayoutNames.Short(a.BranchLayout);
}
