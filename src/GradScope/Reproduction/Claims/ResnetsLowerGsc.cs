using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 6: ResNets have a much lower GSC than the vanilla networks that explode.</summary>
public static class ResnetsLowerGsc
{
    public const string Id = "resnets-lower-gsc";
    public const string Statement = "ResNets have much lower gradient scale coefficients than their vanilla counterparts, which explode.";
    public static string Criterion { get; } = "At initialisation on Gaussian noise, each ResNet against the same family without " +
        "residual connections (rates and R² averaged over the seeds), judged only where the vanilla net explodes (" +
        GradientFit.Rule + "). Holds when in every judged pair the ResNet's rate r is lower and the ResNet does not explode; does " +
        "not hold when a ResNet's rate is not lower; inconclusive when no vanilla counterpart explodes or a ResNet is lower but " +
        "still exploding." + ClaimCheck.SeedRule;
    public const string Sources = "init.csv: architecture, linear_layers, seeds, gsc_rate_noise, gsc_r2_noise, growth_noise, " +
        "gsc_rate_noise_min, gsc_rate_noise_max";

    public sealed record Pair(GradientFit ResNet, GradientFit Vanilla);

    public static ClaimCheck Judge(IReadOnlyList<Pair> pairs) => ClaimCheck.AcrossSeeds(Rule(pairs),
        pairs.Select(p => Math.Max(p.ResNet.Seeds, p.Vanilla.Seeds)).DefaultIfEmpty(1).Max(),
        i => Rule([.. pairs.Select(p => new Pair(p.ResNet.AtSeed(i), p.Vanilla.AtSeed(i)))]));

    private static ClaimCheck Rule(IReadOnlyList<Pair> pairs)
    {
        var evidence = pairs.Select(p => $"{p.ResNet.Architecture.Name} {p.ResNet.Describe()} vs {p.Vanilla.Architecture.Name} " +
            $"{p.Vanilla.Describe()}" + (p.Vanilla.Exploding ? "" : " — vanilla not exploding, not judged")).ToList();
        var judged = pairs.Where(p => p.Vanilla.Exploding).ToList();
        var notLower = judged.Where(p => p.ResNet.Rate >= p.Vanilla.Rate).Select(p => p.ResNet.Architecture.Name).ToList();
        var stillExploding = judged.Where(p => p.ResNet.Rate < p.Vanilla.Rate && p.ResNet.Exploding)
            .Select(p => p.ResNet.Architecture.Name).ToList();
        (ClaimVerdict verdict, string reason) =
            judged.Count == 0
                ? (ClaimVerdict.Inconclusive, pairs.Count == 0 ? "no ResNet/vanilla pair measured" : "no vanilla counterpart explodes")
            : notLower.Count > 0 ? (ClaimVerdict.DoesNotHold, $"rate not lower than the vanilla net's: {string.Join(", ", notLower)}")
            : stillExploding.Count > 0 ? (ClaimVerdict.Inconclusive, $"lower but still exploding: {string.Join(", ", stillExploding)}")
            : (ClaimVerdict.Holds, $"lower and not exploding in all {judged.Count} judged pairs");
        return new ClaimCheck(Id, Statement, Criterion, verdict, reason, evidence, Sources);
    }
}
