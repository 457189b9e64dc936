using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 7: diluting a residual unit by k cuts its gradient growth by about k² + 1.</summary>
public static class DilutionK2Plus1
{
    public const string Id = "dilution-k2-plus-1";
    public const string Statement = "Dilution: a residual unit whose skip is k times larger than its branch has its gradient " +
        "growth cut by about k² + 1 (the Pythagorean relation ‖skip + branch‖² ≈ ‖skip‖² + ‖branch‖²).";
    public const string Criterion = "Per residual unit at initialisation (every seed's network), the measured reduction " +
        "(G_branch² − 1)/(G_unit² − 1) divided by k² + 1; units whose branch grows the squared gradient by less than 0.05 are " +
        "not measurable. Holds when at least 3 units are measurable, their k spans a factor ≥ 2, and the median ratio of every " +
        "w_r and of all units lies within a factor 2 of 1; does not hold when the overall median lies outside it; inconclusive " +
        "otherwise. The same rule is applied to each seed's units alone; when a seed's verdict differs from the pooled one, " +
        "the claim is inconclusive.";
    public const string Sources = "dilution-units.csv: architecture, residual_weight, seed, unit, k, branch_gsc, unit_gsc";

    public static ClaimCheck Judge(IReadOnlyList<DilutedUnit> units)
    {
        var seeds = units.Select(u => u.Seed).Distinct().Order().ToList();
        return ClaimCheck.AcrossSeeds(Rule(units), seeds.Count, i => Rule([.. units.Where(u => u.Seed == seeds[i])]));
    }

    private static ClaimCheck Rule(IReadOnlyList<DilutedUnit> units)
    {
        var measurable = units.Where(u => u.Measurable && double.IsFinite(u.LawRatio)).ToList();
        var byWeight = measurable.GroupBy(u => (u.Architecture, u.ResidualWeight))
            .OrderBy(g => g.Key.Architecture).ThenByDescending(g => g.Key.ResidualWeight)
            .Select(g => (g.Key, K: EffectiveDepthLimitedByExplosion.Median([.. g.Select(u => u.K)]),
                Ratio: EffectiveDepthLimitedByExplosion.Median([.. g.Select(u => u.LawRatio)]), Count: g.Count())).ToList();
        var evidence = byWeight.Select(g => $"{g.Key.Architecture} w_r = {StudyText.F(g.Key.ResidualWeight)}: median k = " +
            $"{StudyText.F(g.K)}, median reduction / (k² + 1) = {StudyText.F(g.Ratio)} over {g.Count} measurable units").ToList();
        evidence.Add($"{units.Count - measurable.Count} of {units.Count} units not measurable (branch barely grows the gradient)");
        if (measurable.Count < 3)
            return new ClaimCheck(Id, Statement, Criterion, ClaimVerdict.Inconclusive, $"{measurable.Count} measurable units", evidence,
                Sources);
        double median = EffectiveDepthLimitedByExplosion.Median([.. measurable.Select(u => u.LawRatio)]);
        double kMin = measurable.Min(u => u.K), kMax = measurable.Max(u => u.K);
        static bool Within(double ratio) => ratio >= 1 / ClaimThresholds.DilutionFactor && ratio <= ClaimThresholds.DilutionFactor;
        string reason = $"median ratio {StudyText.F(median)} over {measurable.Count} units, k from {StudyText.F(kMin)} to " +
            $"{StudyText.F(kMax)}";
        bool narrow = kMax < ClaimThresholds.DilutionKRange * kMin;
        var verdict = !Within(median) ? ClaimVerdict.DoesNotHold
            : narrow ? ClaimVerdict.Inconclusive
            : byWeight.All(g => Within(g.Ratio)) ? ClaimVerdict.Holds : ClaimVerdict.Inconclusive;
        if (verdict == ClaimVerdict.Inconclusive) reason += narrow ? " (k range too narrow)" : " (some w_r outside a factor 2)";
        return new ClaimCheck(Id, Statement, Criterion, verdict, reason, evidence, Sources);
    }
}
