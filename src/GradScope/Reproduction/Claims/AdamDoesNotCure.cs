using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Claim 2: training with Adam does not remove exploding gradients.</summary>
public static class AdamDoesNotCure
{
    public const string Id = "adam-does-not-cure";
    public const string Statement = "Adam does not remove exploding gradients: networks that explode at initialisation still " +
        "explode after training with Adam.";
    public static string Criterion { get; } = "Among the Adam-trained networks (best learning rate; rate and R² averaged over its " +
        "seeds) that explode at initialisation on the diagnostics batch (" + GradientFit.Rule + "), count those still exploding " +
        "after the last epoch. Holds when at least half are; does not hold when none is; inconclusive when fewer than half are " +
        "or no exploding network was trained with Adam." + ClaimCheck.SeedRule;
    public const string Sources = "training.csv: architecture, optimizer, seeds, gsc_rate_init, gsc_r2_init, gsc_rate_end, " +
        "gsc_r2_end, linear_layers";

    public static ClaimCheck Judge(IReadOnlyList<TrainedNet> nets) => TrainedNet.JudgeAcrossSeeds(nets, Rule);

    private static ClaimCheck Rule(IReadOnlyList<TrainedNet> nets)
    {
        var adam = nets.Where(n => n.Optimizer == OptimizerKind.Adam && n.AtInit is not null && n.AtEnd is not null).ToList();
        var evidence = adam.Select(n => $"{n.Architecture.Name}: at init {n.AtInit!.Describe()}; after Adam " +
            $"{n.AtEnd!.Describe()}").ToList();
        var judged = adam.Where(n => n.AtInit!.Exploding).ToList();
        int still = judged.Count(n => n.AtEnd!.Exploding);
        string counts = $"{still} of {judged.Count} networks exploding at init still explode after Adam";
        (ClaimVerdict verdict, string reason) =
            judged.Count == 0
                ? (ClaimVerdict.Inconclusive, adam.Count == 0 ? "no Adam-trained diagnostics" : "no Adam-trained network explodes at init")
            : still == 0 ? (ClaimVerdict.DoesNotHold, counts)
            : 2 * still >= judged.Count ? (ClaimVerdict.Holds, counts)
            : (ClaimVerdict.Inconclusive, counts);
        return new ClaimCheck(Id, Statement, Criterion, verdict, reason, evidence, Sources);
    }
}
