using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 10: at a fixed parameter budget, prefer width over depth.</summary>
public static class WidthOverDepth
{
    public const string Id = "width-over-depth";
    public const string Statement = "Prefer width over depth: at a fixed parameter budget, the deepest narrow network does not train best.";
    public const string Criterion = "Per family of the width-versus-depth study, each depth at its own best learning rate (mean training " +
        "error " +
        "over seeds). The family supports the claim when some shallower, wider network's seed range lies wholly below the deepest's; it " +
        "contradicts it when the deepest's range lies wholly below every shallower one's. Holds when more families support than " +
            "contradict; " +
        "does not hold when more contradict; inconclusive otherwise or with fewer than two depths.";
    public const string Sources = "width-depth.csv: architecture, depth, width, parameters, best_learning_rate, train_error_mean, " +
        "train_error_min, train_error_max";

    public static ClaimCheck Judge(IReadOnlyList<DepthPoint> points)
    {
        int support = 0, contradict = 0;
        var evidence = new List<string>();
        var outcomes = new List<string>();
        foreach (var family in points.GroupBy(p => p.Family))
        {
            var sorted = family.OrderBy(p => p.Depth).ToList();
            evidence.AddRange(sorted.Select(p => $"{family.Key} depth {p.Depth} × width {p.Width}: train error " +
                $"{StudyText.P(p.TrainError.Mean)}" +
                (p.TrainError.Count > 1 ? $" (seeds {StudyText.P(p.TrainError.Min)}–{StudyText.P(p.TrainError.Max)})" : "")));
            if (sorted.Count < 2) continue;
            var deepest = sorted[^1];
            var shallower = sorted[..^1];
            if (shallower.Any(p => p.TrainError.Max < deepest.TrainError.Min)) { support++; outcomes.Add($"{family.Key}: a wider net " +
                $"trains better"); }
            else if (shallower.All(p => deepest.TrainError.Max < p.TrainError.Min)) { contradict++; outcomes.Add($"{family.Key}: the " +
                $"deepest trains best"); }
            else outcomes.Add($"{family.Key}: within the seed spread");
        }
        string reason = outcomes.Count == 0 ? "fewer than two finished depths" : string.Join("; ", outcomes);
        var verdict = support > contradict ? ClaimVerdict.Holds
            : contradict > support ? ClaimVerdict.DoesNotHold : ClaimVerdict.Inconclusive;
        return new ClaimCheck(Id, Statement, Criterion, verdict, reason, evidence, Sources);
    }
}
