using static GradScope.Diagnostics.PathologyThresholds;
using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;
using static GradScope.Diagnostics.Diagnosis.EvidenceFormat;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// Exploding and vanishing gradients from the GSC profile (SPEC §2.2). A net explodes when the fitted growth over
/// its depth r^L exceeds <see cref="ExplodingGrowth"/>, or when its per-layer rate is exponential (rate above
/// <see cref="ExplodingRatePerLayer"/> with R² ≥ <see cref="ExponentialFitMinimumR2"/>) even if the net is too shallow
/// for r^L to pass 10 (SeLU, SPEC §7).
/// </summary>
public static class GradientScaleRules
{
    public static Finding? Exploding(Measurements m)
    {
        double growth = m.Growth, rate = m.Rate, r2 = m.R2;
        if (!double.IsFinite(growth) || !double.IsFinite(rate)) return null;
        bool exponential = r2 >= ExponentialFitMinimumR2;
        bool byGrowth = growth > ExplodingGrowth;
        bool byRate = rate > ExplodingRatePerLayer && exponential;
        if (!byGrowth && !byRate) return null;

        bool clearGrowth = growth >= Math.Pow(ExplodingGrowth, BorderlineFactor) && (exponential || growth >= SevereGrowth);
        bool clearRate = byRate && rate >= Math.Pow(ExplodingRatePerLayer, BorderlineFactor);
        var certainty = clearGrowth || clearRate ? Certainty.Clear : Certainty.Borderline;
        var severity = growth >= SevereGrowth ? Severity.High : Severity.Moderate;

        var evidence = new List<string>
        {
            $"rate r = {Rate(rate)} per linear layer (exploding above {Rate(ExplodingRatePerLayer)} " +
            $"with R² ≥ {ExponentialFitMinimumR2}); " +
            $"fit R² = {Number(r2)}{(exponential ? "" : " — not a clean exponential")}",
            $"total growth r^{m.LinearDepth} = {Number(growth)} (exploding above {Number(ExplodingGrowth)})",
        };
        if (m.GscProfile.Count > 0)
            evidence.Add($"GSC(k,0) from {Number(m.GscProfile[0])} at position 1 to {Number(m.GscProfile[^1])} at position " +
                $"{m.GscProfile.Count}");
        var local = LocalRates(m);
        int onset = local.FindIndex(r => r > ExplodingRatePerLayer);
        if (onset >= 0)
        {
            double peak = local.Max();
            evidence.Add(onset == 0
                ? $"growth starts at the output side (position 1) and continues inward; steepest local rate {Rate(peak)}"
                : $"growth starts at position {onset + 1} ({m.LinearLayers[onset]} linear layers from the output); " +
                  $"positions 1–{onset} are flat; steepest local rate {Rate(peak)}");
        }
        var positions = onset >= 0 ? Enumerable.Range(onset + 1, m.GscProfile.Count - onset).ToList() : [];
        string summary = $"Exploding gradients: the gradient scale grows ×{Rate(rate)} per layer, ×{Number(growth)} over the " +
                         $"{m.LinearDepth} layers{(certainty == Certainty.Borderline ? " (borderline)" : "")}.";
        return new Finding(FindingKind.ExplodingGradients, severity, certainty, summary, evidence, positions, Math.Log(growth));
    }

    public static Finding? Vanishing(Measurements m)
    {
        double growth = m.Growth, rate = m.Rate, r2 = m.R2;
        if (!double.IsFinite(growth) || !double.IsFinite(rate)) return null;
        bool exponential = r2 >= ExponentialFitMinimumR2;
        bool byGrowth = growth < VanishingGrowth;
        bool byRate = rate < VanishingRatePerLayer && exponential;
        if (!byGrowth && !byRate) return null;
        bool clear = (growth <= Math.Pow(VanishingGrowth, BorderlineFactor) && exponential)
                     || (byRate && rate <= Math.Pow(VanishingRatePerLayer, BorderlineFactor));
        var severity = growth <= 1 / SevereGrowth ? Severity.High : Severity.Moderate;
        var evidence = new List<string>
        {
            $"rate r = {Rate(rate)} per linear layer (vanishing below {Rate(VanishingRatePerLayer)} " +
            $"with R² ≥ {ExponentialFitMinimumR2}); " +
            $"fit R² = {Number(r2)}",
            $"total growth r^{m.LinearDepth} = {Number(growth)} (vanishing below {Number(VanishingGrowth)})",
        };
        string summary = $"Vanishing gradients: the gradient scale shrinks ×{Rate(rate)} per layer, ×{Number(growth)} over the " +
                         $"{m.LinearDepth} layers{(clear ? "" : " (borderline)")}.";
        return new Finding(FindingKind.VanishingGradients, severity, clear ? Certainty.Clear : Certainty.Borderline, summary,
            evidence, [], -Math.Log(growth));
    }

    /// <summary>
    /// Local rate per position: exp of the least-squares slope of log GSC against linear layers over the
    /// <see cref="LocalRateWindow"/> positions starting at that position (fewer near the input end).
    /// </summary>
    public static List<double> LocalRates(Measurements m)
    {
        var rates = new List<double>();
        int n = m.GscProfile.Count;
        for (int i = 0; i < n; i++)
        {
            int end = Math.Min(n, i + LocalRateWindow);
            if (end - i < 2) { rates.Add(rates.Count > 0 ? rates[^1] : double.NaN); continue; }
            var xs = new List<double>();
            var ys = new List<double>();
            for (int j = i; j < end; j++)
                if (m.GscProfile[j] > 0
                    && double.IsFinite(m.GscProfile[j])) { xs.Add(m.LinearLayers[j]); ys.Add(Math.Log(m.GscProfile[j])); }
            var (_, slope, _) = DiagMath.LinearFit(xs, ys);
            rates.Add(Math.Exp(slope));
        }
        return rates;
    }

    private static string Rate(double r) => r.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
}
