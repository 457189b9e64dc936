using GradScope.Layers;
using GradScope.Networks;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 9: an orthogonal initial state (looks-linear init, ResNets) avoids explosion and trains better.</summary>
public static class OrthogonalInitialState
{
    public const string Id = "orthogonal-initial-state";
    public const string Statement = "Start from an orthogonal initial state: looks-linear initialisation and ResNets avoid " +
        "exploding gradients and train better than a Gaussian ReLU MLP.";
    public const string Criterion = "Each looks-linear or residual ReLU network of the orthogonal study against the Gaussian ReLU " +
        "MLP, both trained with Adam (best learning rate, mean training error over seeds). A candidate is better when it does " +
        "not explode at initialisation (rate and R² averaged over the seeds) and its seed range of training error lies wholly " +
        "below the baseline's; worse when it explodes or its range lies wholly above. Holds when every candidate is better; " +
        "does not hold when any is worse; inconclusive otherwise." + ClaimCheck.SeedRule;
    public const string Sources = "orthogonal.csv: architecture, seeds_init, gsc_rate_noise, gsc_r2_noise, growth_noise, " +
        "train_error_mean, train_error_min, train_error_max";

    public static bool IsCandidate(ArchitectureSpec a) =>
        a.Activation == ActivationKind.Relu && a.Normalization == NormKind.None && (a.IsResidual || a.Init == InitKind.LooksLinear);

    public static ClaimCheck Judge(InitialStateNet? baseline, IReadOnlyList<InitialStateNet> candidates) =>
        ClaimCheck.AcrossSeeds(Rule(baseline, candidates), candidates.Select(c => c.AtInit?.Seeds ?? 1).DefaultIfEmpty(1).Max(),
            i => Rule(baseline, [.. candidates.Select(c => c with { AtInit = c.AtInit?.AtSeed(i) })]));

    private static ClaimCheck Rule(InitialStateNet? baseline, IReadOnlyList<InitialStateNet> candidates)
    {
        if (baseline?.TrainError is null)
            return new ClaimCheck(Id, Statement, Criterion, ClaimVerdict.Inconclusive, "no trained Gaussian ReLU baseline", [],
                Sources);
        var evidence = new List<string> { $"{baseline.Architecture.Name} (baseline): {Describe(baseline)}" };
        int better = 0, worse = 0, judged = 0;
        foreach (var c in candidates.Where(c => c.TrainError is not null && c.AtInit is not null))
        {
            judged++;
            string outcome = c.AtInit!.Exploding || c.TrainError!.Min > baseline.TrainError.Max ? "worse"
                : c.TrainError.Max < baseline.TrainError.Min ? "better" : "tied within the seed spread";
            if (outcome == "worse") worse++;
            if (outcome == "better") better++;
            evidence.Add($"{c.Architecture.Name}: {Describe(c)} — {outcome}");
        }
        string reason = $"{better} of {judged} candidates better, {worse} worse";
        var verdict = judged == 0 ? ClaimVerdict.Inconclusive : worse > 0 ? ClaimVerdict.DoesNotHold
            : better == judged ? ClaimVerdict.Holds : ClaimVerdict.Inconclusive;
        return new ClaimCheck(Id, Statement, Criterion, verdict, judged == 0 ? "no trained candidate" : reason, evidence, Sources);
    }

    private static string Describe(InitialStateNet n) =>
        (n.AtInit is { } f ? f.Describe() : "no init measurement") + ", train error " +
        (n.TrainError is { } e
            ? (e.Count > 1 ? $"{StudyText.P(e.Mean)} (seeds {StudyText.P(e.Min)}–{StudyText.P(e.Max)})" : StudyText.P(e.Mean)) : "—");
}
