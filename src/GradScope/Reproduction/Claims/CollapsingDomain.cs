using GradScope.Layers;
using GradScope.Networks;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 5: networks without exploding gradients suffer a collapsing domain; ResNets and looks-linear nets avoid it.</summary>
public static class CollapsingDomain
{
    public const string Id = "collapsing-domain";
    public const string Statement = "Collapsing domain: in networks that avoid exploding gradients, pre-activations become so " +
        "similar that nonlinearities act almost linearly; ResNets and looks-linear initialisation avoid it.";
    public const string Criterion = "At initialisation on data, a network's domain collapses when the last nonlinearity's mean " +
        "sign diversity or pseudo-linearity (mean over the seeds) is below half the first's. Holds when at least one " +
        "non-exploding plain nonlinear MLP (Gaussian or orthogonal init) collapses and no measured ResNet or looks-linear net " +
        "does; does not hold when none of the non-exploding plain MLPs collapses or a ResNet / looks-linear net collapses; " +
        "inconclusive when either group is unmeasured." + ClaimCheck.SeedRule;
    public const string Sources = "init.csv: architecture, seeds, growth_noise, gsc_rate_noise, gsc_r2_noise, " +
        "sign_diversity_input_side, sign_diversity_output_side, pseudo_linearity_input_side, pseudo_linearity_output_side";

    private static bool IsRemedy(ArchitectureSpec a) => a.IsResidual || a.Init == InitKind.LooksLinear;

    public static ClaimCheck Judge(IReadOnlyList<CollapseAtInit> nets) => ClaimCheck.AcrossSeeds(Rule(nets),
        nets.Select(n => n.Seeds).DefaultIfEmpty(1).Max(), i => Rule([.. nets.Select(n => n.AtSeed(i))]));

    private static ClaimCheck Rule(IReadOnlyList<CollapseAtInit> nets)
    {
        var nonlinear = nets.Where(n => n.Architecture.Activation != ActivationKind.Linear).ToList();
        var plain = nonlinear.Where(n => !IsRemedy(n.Architecture) && !n.Exploding).ToList();
        var remedies = nonlinear.Where(n => IsRemedy(n.Architecture)).ToList();
        var evidence = nonlinear.Select(n => n.Describe()).ToList();
        var plainCollapsed = plain.Where(n => n.Collapsed).Select(n => n.Architecture.Name).ToList();
        var remedyCollapsed = remedies.Where(n => n.Collapsed).Select(n => n.Architecture.Name).ToList();
        string reason = $"non-exploding plain MLPs collapsing: {List(plainCollapsed)} of {plain.Count}; ResNets / looks-linear " +
            $"collapsing: {List(remedyCollapsed)} of {remedies.Count}";
        var verdict = plain.Count == 0 || (remedies.Count == 0 && plainCollapsed.Count > 0) ? ClaimVerdict.Inconclusive
            : plainCollapsed.Count == 0 || remedyCollapsed.Count > 0 ? ClaimVerdict.DoesNotHold
            : ClaimVerdict.Holds;
        return new ClaimCheck(Id, Statement, Criterion, verdict, reason, evidence, Sources);
    }

    private static string List(IReadOnlyList<string> names) =>
        names.Count == 0 ? "none" : $"{string.Join(", ", names)} ({names.Count})";
}
