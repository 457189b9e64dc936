using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 4: ResNets reach a higher effective depth than their vanilla counterparts.</summary>
public static class ResnetsDeeperEffectiveDepth
{
    public const string Id = "resnets-deeper-effective-depth";
    public const string Statement = "ResNets reach a higher effective depth than their vanilla counterparts.";
    public static string Criterion { get; } = "Each trained ResNet against the same family without residual connections, same " +
        "optimiser, best learning rates; effective depth by gradient truncation (" + EffectiveDepthDefinition.Note + ") as a " +
        "fraction of the blocks (a 50-layer ResNet has 26 blocks, the MLP 50). A pair is deeper or shallower when the ResNet's " +
        "seed range lies wholly above or below the vanilla net's and the means differ by more than 0.05; otherwise tied. Holds " +
        "when deeper pairs are at least half and outnumber shallower ones; does not hold when shallower pairs are at least half; " +
        "inconclusive otherwise or without pairs.";
    public const string Sources = "training.csv: architecture, optimizer, truncation_effective_depth_mean, " +
        "truncation_effective_depth_min, truncation_effective_depth_max, effective_depth_mean, blocks";

    /// <summary>A ResNet and its vanilla counterpart trained with the same optimiser.</summary>
    public sealed record Pair(TrainedNet ResNet, TrainedNet Vanilla);

    public static ClaimCheck Judge(IReadOnlyList<Pair> pairs)
    {
        var judged = pairs.Where(p => p.ResNet.RelativeDepth is not null && p.Vanilla.RelativeDepth is not null).ToList();
        int deeper = 0, shallower = 0;
        var evidence = new List<string>();
        foreach (var (res, van) in judged)
        {
            SeedSpread r = res.RelativeDepth!, v = van.RelativeDepth!;
            bool apart = r.SeparatedFrom(v) && Math.Abs(r.Mean - v.Mean) > ClaimThresholds.DepthFractionMargin;
            string outcome = !apart ? "tied" : r.Mean > v.Mean ? "ResNet deeper" : "ResNet shallower";
            if (outcome == "ResNet deeper") deeper++;
            if (outcome == "ResNet shallower") shallower++;
            evidence.Add($"{res.Label} {res.DescribeDepth()} = {StudyText.F(r.Mean)} vs {van.Label} {van.DescribeDepth()} = " +
                $"{StudyText.F(v.Mean)}: {outcome}");
        }
        string reason = $"{deeper} of {judged.Count} pairs deeper, {shallower} shallower";
        var verdict = judged.Count == 0 ? ClaimVerdict.Inconclusive
            : 2 * shallower >= judged.Count ? ClaimVerdict.DoesNotHold
            : 2 * deeper >= judged.Count && deeper > shallower ? ClaimVerdict.Holds : ClaimVerdict.Inconclusive;
        return new ClaimCheck(Id, Statement, Criterion, verdict, judged.Count == 0 ? "no trained ResNet/vanilla pair" : reason,
            evidence, Sources);
    }
}
