using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>
/// The fitted GSC(k, 0) profile of one network state: rate r per linear layer, fit quality R² and the depth L, as the
/// mean over the seeds measured. The verdict is <see cref="GrowthVerdict"/>'s (per layer: r^L above 10 over the whole
/// depth, or a well-fitted rate that compounds to 10× within 100 layers), the rule analyze and the diagnosis use too.
/// <paramref name="SeedVerdicts"/> holds each seed's own verdict, so a claim can tell when the seeds disagree.
/// </summary>
public sealed record GradientFit(ArchitectureSpec Architecture, double Rate, double? R2, int LinearLayers,
    IReadOnlyList<string>? SeedVerdicts = null)
{
    /// <summary>The rule in words, for claim criteria.</summary>
    public static string Rule { get; } = GrowthVerdict.Criterion();

    public double Growth => Math.Pow(Rate, LinearLayers);

    /// <summary><see cref="GrowthVerdict.Exploding"/>, <see cref="GrowthVerdict.Vanishing"/>, stable or undetermined.</summary>
    public string Verdict => GrowthVerdict.Classify(Rate, R2 ?? double.NaN, LinearLayers);

    public bool Exploding => Verdict == GrowthVerdict.Exploding;

    public bool Vanishing => Verdict == GrowthVerdict.Vanishing;

    /// <summary>True when every seed's own fit gets the verdict of the mean fit (or only one seed was measured).</summary>
    public bool SeedsAgree => SeedVerdicts is null || SeedVerdicts.All(v => v == Verdict);

    /// <summary>The mean fit of several seeds' (rate, R²); null when none is finite.</summary>
    public static GradientFit? OverSeeds(ArchitectureSpec architecture, int linearLayers, IEnumerable<(double? Rate, double? R2)> seeds)
    {
        var finite = seeds.Where(s => s.Rate is double r && double.IsFinite(r)).ToList();
        if (finite.Count == 0) return null;
        var r2 = finite.Select(s => s.R2).OfType<double>().Where(double.IsFinite).ToList();
        var verdicts = finite.Select(s => GrowthVerdict.Classify(s.Rate!.Value, s.R2 ?? double.NaN, linearLayers)).ToList();
        return new GradientFit(architecture, finite.Average(s => s.Rate!.Value), r2.Count > 0 ? r2.Average() : null, linearLayers,
            verdicts.Count > 1 ? verdicts : null);
    }

    public string Describe() => $"r = {StudyText.F(Rate, 4)}, R² = {StudyText.F(R2)}, r^L = {StudyText.F(Growth)} → " +
        (Exploding ? "exploding" : "not exploding") +
        (SeedVerdicts is { Count: > 1 } v ? (SeedsAgree ? $" (all {v.Count} seeds)" : $" (seeds disagree: {string.Join(" / ", v)})") : "");
}
