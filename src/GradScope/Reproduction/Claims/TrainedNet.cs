using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// A trained network's search at its best learning rate, over every seed of that rate. <see cref="EffectiveDepth"/> is the
/// gradient-truncation effective depth (docs/faithfulness.md §4.3), the one the claims judge on; <see cref="SpecEffectiveDepth"/>
/// is SPEC §2.5's λ-share definition, shown beside it.
/// </summary>
public sealed record TrainedNet(ArchitectureSpec Architecture, OptimizerKind Optimizer, GradientFit? AtInit, GradientFit? AtEnd,
    SeedSpread? EffectiveDepth, int Blocks, SeedSpread? TrainError, SeedSpread? SpecEffectiveDepth = null)
{
    public string Label => $"{Architecture.Name}/{Optimizer<float>.KindName(Optimizer)}";

    /// <summary>Effective depth as a fraction of the blocks, so 26-unit ResNets and 50-block MLPs compare.</summary>
    public SeedSpread? RelativeDepth => EffectiveDepth is { } d && Blocks > 0
        ? new SeedSpread(d.Mean / Blocks, d.Min / Blocks, d.Max / Blocks, d.Count) : null;

    public bool Trained => TrainError?.Mean < ClaimThresholds.UntrainedError;

    /// <summary>
    /// The net with its GSC fits of seed number <paramref name="index"/> alone. Effective depth and training error keep
    /// their spread: the claims compare those by seed range already.
    /// </summary>
    public TrainedNet AtSeed(int index) => this with { AtInit = AtInit?.AtSeed(index), AtEnd = AtEnd?.AtSeed(index) };

    /// <summary>Most seeds behind any fit of the nets (1 without fits).</summary>
    public static int SeedsOf(IEnumerable<TrainedNet> nets) =>
        nets.Select(n => Math.Max(n.AtInit?.Seeds ?? 1, n.AtEnd?.Seeds ?? 1)).DefaultIfEmpty(1).Max();

    /// <summary>
    /// <paramref name="rule"/> on the nets, checked against the rule on each seed's fits alone
    /// (<see cref="ClaimCheck.AcrossSeeds"/>).
    /// </summary>
    public static ClaimCheck JudgeAcrossSeeds(IReadOnlyList<TrainedNet> nets, Func<IReadOnlyList<TrainedNet>, ClaimCheck> rule) =>
        ClaimCheck.AcrossSeeds(rule(nets), SeedsOf(nets), i => rule([.. nets.Select(n => n.AtSeed(i))]));

    /// <summary>"truncation 7 (seeds 6–8)/50, SPEC 6/50": both definitions, for the evidence.</summary>
    public string DescribeDepth() => $"effective depth {EffectiveDepth?.Describe() ?? "—"}/{Blocks} by truncation" +
        (SpecEffectiveDepth is { } spec ? $" (SPEC λ-share {spec.Describe()})" : "");
}
