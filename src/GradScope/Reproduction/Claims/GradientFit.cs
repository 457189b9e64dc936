using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>
/// The fitted GSC(k, 0) profile of one network state: rate r per linear layer, fit quality R² and the depth L, as the
/// mean over the seeds measured. The verdict is <see cref="GrowthVerdict"/>'s (per layer: r^L above 10 over the whole
/// depth, or a well-fitted rate that compounds to 10× within 100 layers), the rule analyze and the diagnosis use too.
/// <paramref name="PerSeed"/> holds each seed's own fit (null for one seed), so a claim can be judged on each seed alone.
/// </summary>
public sealed record GradientFit(ArchitectureSpec Architecture, double Rate, double? R2, int LinearLayers,
    IReadOnlyList<GradientFit>? PerSeed = null)
{
    /// <summary>The rule in words, for claim criteria.</summary>
    public static string Rule { get; } = GrowthVerdict.Criterion();

    public double Growth => Math.Pow(Rate, LinearLayers);

    /// <summary><see cref="GrowthVerdict.Exploding"/>, <see cref="GrowthVerdict.Vanishing"/>, stable or undetermined.</summary>
    public string Verdict => GrowthVerdict.Classify(Rate, R2 ?? double.NaN, LinearLayers);

    public bool Exploding => Verdict == GrowthVerdict.Exploding;

    public bool Vanishing => Verdict == GrowthVerdict.Vanishing;

    /// <summary>Each seed's own verdict (null for one seed).</summary>
    public IReadOnlyList<string>? SeedVerdicts => PerSeed?.Select(f => f.Verdict).ToList();

    /// <summary>True when every seed's own fit gets the verdict of the mean fit (or only one seed was measured).</summary>
    public bool SeedsAgree => PerSeed is null || PerSeed.All(f => f.Verdict == Verdict);

    /// <summary>Seeds measured.</summary>
    public int Seeds => PerSeed?.Count ?? 1;

    /// <summary>The fit of seed number <paramref name="index"/> alone (the last one for an index beyond the seeds).</summary>
    public GradientFit AtSeed(int index) => PerSeed is { Count: > 0 } s ? s[Math.Min(index, s.Count - 1)] : this;

    /// <summary>The mean fit of several seeds' (rate, R²); null when none is finite.</summary>
    public static GradientFit? OverSeeds(ArchitectureSpec architecture, int linearLayers, IEnumerable<(double? Rate, double? R2)> seeds)
    {
        var finite = seeds.Where(s => s.Rate is double r && double.IsFinite(r)).ToList();
        if (finite.Count == 0) return null;
        var r2 = finite.Select(s => s.R2).OfType<double>().Where(double.IsFinite).ToList();
        var perSeed = finite.Select(s => new GradientFit(architecture, s.Rate!.Value, s.R2, linearLayers)).ToList();
        return new GradientFit(architecture, finite.Average(s => s.Rate!.Value), r2.Count > 0 ? r2.Average() : null, linearLayers,
            perSeed.Count > 1 ? perSeed : null);
    }

    public string Describe() => $"r = {StudyText.F(Rate, 4)}, R² = {StudyText.F(R2)}, r^L = {StudyText.F(Growth)} → " +
        (Exploding ? "exploding" : "not exploding") +
        (SeedVerdicts is { Count: > 1 } v ? (SeedsAgree ? $" (all {v.Count} seeds)" : $" (seeds disagree: {string.Join(" / ", v)})") : "");
}
