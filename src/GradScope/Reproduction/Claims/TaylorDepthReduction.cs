using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 8: networks of larger effective depth lose accuracy at fewer linearised blocks.</summary>
public static class TaylorDepthReduction
{
    public const string Id = "taylor-depth-reduction";
    public const string Statement = "Residual trick: a network of larger effective depth loses accuracy sooner when its blocks are " +
        "replaced, from " +
        "the input side, by their first-order expansion around the initial functions (Taylor experiment).";
    public const string Criterion = "For each trained network (best learning rate, first seed), the onset is the first m whose training " +
        "error " +
        "exceeds m = 0's by 5 points (never: L + 1); onset and effective depth both as fractions of the blocks L. Over at least 4 " +
        "networks, holds when Spearman ρ(effective depth, onset) ≤ −0.3; does not hold when ρ ≥ 0; inconclusive between or with fewer.";
    public const string Sources = "taylor.csv: architecture, optimizer, cell, replaced, train_error; taylor-onset.csv: architecture, " +
        "optimizer, " +
        "blocks, effective_depth, onset";

    public static ClaimCheck Judge(IReadOnlyList<TaylorNet> nets)
    {
        var evidence = nets.Select(n => $"{n.Label}: effective depth {StudyText.F(n.EffectiveDepth)}/{n.Blocks}, onset " +
            (n.Onset is int m ? $"m = {m}" : "none up to the last m measured")).ToList();
        if (nets.Count < ClaimThresholds.MinimumNetworks)
            return new ClaimCheck(Id, Statement, Criterion, ClaimVerdict.Inconclusive, $"{nets.Count} networks (needs " +
                $"{ClaimThresholds.MinimumNetworks})", evidence, Sources);
        double rho = Spearman.Rank([.. nets.Select(n => n.EffectiveDepth / n.Blocks)], [.. nets.Select(n => n.RelativeOnset)]);
        var verdict = rho <= ClaimThresholds.TaylorRho ? ClaimVerdict.Holds
            : rho >= 0 ? ClaimVerdict.DoesNotHold : ClaimVerdict.Inconclusive;
        return new ClaimCheck(Id, Statement, Criterion, verdict, $"Spearman ρ = {StudyText.F(rho)} over {nets.Count} " +
            $"networks", evidence, Sources);
    }
}
