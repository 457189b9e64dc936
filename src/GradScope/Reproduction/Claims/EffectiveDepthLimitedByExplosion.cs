using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Claim 3: exploding gradients keep effective depth low.</summary>
public static class EffectiveDepthLimitedByExplosion
{
    public const string Id = "effective-depth-limited-by-explosion";
    public const string Statement = "Exploding gradients limit effective depth: trained networks that explode have a lower " +
        "effective depth than comparable networks that do not.";
    public static string Criterion { get; } = "Plain (non-residual) trained MLPs, best learning rate, effective depth by " +
        "gradient truncation as a fraction of the blocks (mean over seeds; " + EffectiveDepthDefinition.Note + "); nets with mean " +
        "training error ≥ 50 % did not train and are left out. Per optimiser, compare the median of the nets exploding at " +
        "initialisation (" + GradientFit.Rule + ") with the median of the others: lower by more than 0.05 supports the claim, " +
        "higher by more than 0.05 contradicts it. Holds when more optimisers support than contradict; does not hold when more " +
        "contradict; inconclusive otherwise (including when no optimiser has both groups)." + ClaimCheck.SeedRule;
    public const string Sources = "training.csv: architecture, optimizer, truncation_effective_depth_mean, effective_depth_mean, " +
        "blocks, train_error_mean, gsc_rate_init, gsc_r2_init, linear_layers";

    public static ClaimCheck Judge(IReadOnlyList<TrainedNet> nets) => TrainedNet.JudgeAcrossSeeds(nets, Rule);

    private static ClaimCheck Rule(IReadOnlyList<TrainedNet> nets)
    {
        var plain = nets.Where(n => !n.Architecture.IsResidual && n.AtInit is not null && n.RelativeDepth is not null).ToList();
        var evidence = plain.Select(n => $"{n.Label}: {n.DescribeDepth()} = {StudyText.F(n.RelativeDepth!.Mean)} of the blocks, " +
            $"train error {(n.TrainError is { } e ? StudyText.P(e.Mean) : "—")}" +
            (n.AtInit!.Exploding ? ", exploding at init" : ", not exploding at init") +
            (n.Trained ? "" : " — did not train, left out")).ToList();
        int support = 0, contradict = 0;
        var verdicts = new List<string>();
        var trained = plain.Where(n => n.Trained).ToList();
        foreach (var group in trained.GroupBy(n => n.Optimizer))
        {
            var exploding = group.Where(n => n.AtInit!.Exploding).Select(n => n.RelativeDepth!.Mean).ToList();
            var others = group.Where(n => !n.AtInit!.Exploding).Select(n => n.RelativeDepth!.Mean).ToList();
            if (exploding.Count == 0 || others.Count == 0) continue;
            double diff = Median(exploding) - Median(others);
            if (diff < -ClaimThresholds.DepthFractionMargin) support++;
            else if (diff > ClaimThresholds.DepthFractionMargin) contradict++;
            verdicts.Add($"{Optimizer<float>.KindName(group.Key)}: median {StudyText.F(Median(exploding))} (exploding, " +
                $"{exploding.Count}) vs {StudyText.F(Median(others))} (not exploding, {others.Count})");
        }
        string reason = verdicts.Count == 0 ? "no optimiser has trained exploding and non-exploding MLPs" : string.Join("; ", verdicts);
        var verdict = support > contradict ? ClaimVerdict.Holds
            : contradict > support ? ClaimVerdict.DoesNotHold : ClaimVerdict.Inconclusive;
        return new ClaimCheck(Id, Statement, Criterion, verdict, reason, evidence, Sources);
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
