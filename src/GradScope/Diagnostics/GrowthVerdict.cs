namespace GradScope.Diagnostics;

/// <summary>
/// The exploding / vanishing verdict on a fitted GSC profile (SPEC §2.2, §7): by the growth over the whole depth, or
/// per layer, by a rate that compounds quickly (<see cref="PathologyThresholds.ExplodingRatePerLayer"/>) with a fit
/// good enough (<see cref="PathologyThresholds.ExponentialFitMinimumR2"/>) to call the growth exponential.
/// </summary>
public static class GrowthVerdict
{
    public const string Exploding = "exploding";
    public const string Vanishing = "vanishing";
    public const string Stable = "stable";
    public const string Undetermined = "undetermined";

    /// <summary>Verdict for rate r per linear layer, fit quality R² and the network's linear depth L.</summary>
    public static string Classify(double rate, double r2, int linearDepth, VerdictOptions? options = null)
    {
        var o = options ?? new VerdictOptions();
        if (!double.IsFinite(rate) || rate <= 0) return Undetermined;
        double logGrowth = Math.Log(rate) * linearDepth;
        bool exponential = double.IsFinite(r2) && r2 >= o.MinimumR2;
        if (logGrowth > Math.Log(o.ExplodingThreshold) || (exponential && rate >= o.ExplodingRate)) return Exploding;
        if (logGrowth < Math.Log(o.VanishingThreshold) || (exponential && rate <= o.VanishingRate)) return Vanishing;
        return Stable;
    }

    /// <summary>The per-layer half of the rule in words (the r^L half is printed with the report's own thresholds).</summary>
    public static string PerLayerCriterion(VerdictOptions? options = null)
    {
        var o = options ?? new VerdictOptions();
        return $"r ≥ {o.ExplodingRate:0.####} or ≤ {o.VanishingRate:0.####} with R² ≥ {o.MinimumR2:0.##}";
    }

    /// <summary>The rule in words, for report captions and claim criteria.</summary>
    public static string Criterion(VerdictOptions? options = null)
    {
        var o = options ?? new VerdictOptions();
        return $"exploding when r^L > {o.ExplodingThreshold:0.##} " +
            $"or (r ≥ {o.ExplodingRate:0.####} per linear layer and R² ≥ {o.MinimumR2:0.##}); " +
            $"vanishing when r^L < {o.VanishingThreshold:0.##} or (r ≤ {o.VanishingRate:0.####} and R² ≥ {o.MinimumR2:0.##})";
    }
}
