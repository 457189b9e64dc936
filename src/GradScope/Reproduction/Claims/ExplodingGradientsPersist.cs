using GradScope.Layers;
using GradScope.Networks;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 1: batch normalization, layer normalization and SeLU do not remove exploding gradients.</summary>
public static class ExplodingGradientsPersist
{
    public const string Id = "exploding-gradients-persist";
    public const string Statement = "Batch normalization, layer normalization and SeLU do not remove exploding gradients: " +
        "the GSC of many popular deep MLPs grows exponentially with depth.";
    public static string Criterion { get; } = "At initialisation on Gaussian noise, each plain (non-residual) MLP is judged per " +
        "layer on its rate and R² (mean over the seeds): " + GradientFit.Rule + ". Holds when every measured technique group " +
        "(batch norm, layer norm, SeLU without norm; linear activations left out) has an exploding family and at least two " +
        "groups are measured; does not hold when no family of any group explodes; inconclusive otherwise." + ClaimCheck.SeedRule;
    public const string Sources = "init.csv: architecture, linear_layers, seeds, gsc_rate_noise, gsc_r2_noise, growth_noise, " +
        "gsc_rate_noise_min, gsc_rate_noise_max";

    /// <summary>The technique a plain MLP uses against exploding gradients, or null for none of the three.</summary>
    public static string? Technique(ArchitectureSpec a) =>
        a.IsResidual || a.Activation == ActivationKind.Linear ? null
        : a.Normalization == NormKind.Batch ? "batch norm"
        : a.Normalization == NormKind.Layer ? "layer norm"
        : a.Activation == ActivationKind.Selu ? "SeLU" : null;

    public static ClaimCheck Judge(IReadOnlyList<GradientFit> atInit) => ClaimCheck.AcrossSeeds(Rule(atInit),
        atInit.Select(f => f.Seeds).DefaultIfEmpty(1).Max(), i => Rule([.. atInit.Select(f => f.AtSeed(i))]));

    private static ClaimCheck Rule(IReadOnlyList<GradientFit> atInit)
    {
        var groups = atInit.Where(f => Technique(f.Architecture) is not null).GroupBy(f => Technique(f.Architecture)!).ToList();
        var evidence = groups.SelectMany(g => g.Select(f => $"{g.Key}: {f.Architecture.Name} {f.Describe()}")).ToList();
        var exploding = groups.Where(g => g.Any(f => f.Exploding)).Select(g => g.Key).ToList();
        var calm = groups.Where(g => g.All(f => !f.Exploding)).Select(g => g.Key).ToList();
        (ClaimVerdict verdict, string reason) = groups.Count switch
        {
            0 => (ClaimVerdict.Inconclusive, "no normalised or SeLU MLP measured at initialisation"),
            _ when exploding.Count == 0 => (ClaimVerdict.DoesNotHold, $"no family explodes in {string.Join(", ", calm)}"),
            _ when calm.Count == 0 && groups.Count >= 2 => (ClaimVerdict.Holds,
                "exploding: " + string.Join(", ", groups.SelectMany(g => g.Where(f => f.Exploding).Select(f => f.Architecture.Name)))),
            _ when calm.Count == 0 => (ClaimVerdict.Inconclusive, $"only {groups[0].Key} measured"),
            _ => (ClaimVerdict.Inconclusive, $"exploding in {string.Join(", ", exploding)}; none in {string.Join(", ", calm)}"),
        };
        return new ClaimCheck(Id, Statement, Criterion, verdict, reason, evidence, Sources);
    }
}
