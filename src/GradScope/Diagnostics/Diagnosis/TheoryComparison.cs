using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>Prediction and measurement of the rate side by side.</summary>
/// <param name="SamplingError">Standard error of the measured log r (random-walk model of the log-profile).</param>
/// <param name="FiniteSizeAllowance">Allowance in log r for finite width (and batch, with batch norm): 2/width (+ 3/batch).</param>
/// <param name="Disagrees">|log r_measured − log r_predicted| beyond <see cref="TheoryDisagreementSigmas"/> standard errors plus the
/// allowance.</param>
public sealed record TheoryComparison(MeanFieldPrediction Prediction, double MeasuredRate, double SamplingError,
    double FiniteSizeAllowance, bool Disagrees)
{
    public double LogDifference => Math.Log(MeasuredRate) - Math.Log(Prediction.Rate);

    /// <summary>The largest |Δ log r| that still agrees.</summary>
    public double Tolerance => TheoryDisagreementSigmas * SamplingError + FiniteSizeAllowance;

    /// <summary>
    /// Compares a prediction with the measured profile. The log-profile of GSC(k, 0) behaves like a random walk whose
    /// steps (one per position) fluctuate with finite width; the least-squares slope of a random walk over N steps has
    /// variance ≈ 6σ²/(5N) with σ² the step variance, estimated here from the measured steps themselves. Hutchinson
    /// profiles add their own standard error at the two ends.
    /// </summary>
    public static TheoryComparison Compare(MeanFieldPrediction prediction, Measurements m, int width)
    {
        var logs = m.GscProfile.Select(g => Math.Log(g)).ToList();
        var steps = new List<double>();
        for (int i = 1; i < logs.Count; i++)
        {
            int dn = m.LinearLayers[i] - m.LinearLayers[i - 1];
            if (dn > 0 && double.IsFinite(logs[i]) && double.IsFinite(logs[i - 1])) steps.Add((logs[i] - logs[i - 1]) / dn);
        }
        double se = double.NaN;
        if (steps.Count >= 2)
        {
            double mean = steps.Average();
            double variance = steps.Sum(s => (s - mean) * (s - mean)) / (steps.Count - 1);
            se = Math.Sqrt(6.0 / 5.0 * variance / steps.Count);
            if (m.GscStandardError.Count == m.GscProfile.Count && m.GscProfile.Count > 1 && m.LinearDepth > 1)
            {
                double relFirst = m.GscStandardError[0] / m.GscProfile[0], relLast = m.GscStandardError[^1] / m.GscProfile[^1];
                double span = m.LinearLayers[^1] - m.LinearLayers[0];
                if (span > 0) se = Math.Sqrt(se * se + (relFirst * relFirst + relLast * relLast) / (span * span));
            }
        }
        double allowance = 2.0 / Math.Max(width, 1) + (m.CouplesExamples ? 3.0 / Math.Max(m.BatchSize, 1) : 0);
        double diff = Math.Abs(Math.Log(m.Rate) - Math.Log(prediction.Rate));
        bool disagrees = double.IsFinite(se) && diff > TheoryDisagreementSigmas * se + allowance;
        // A prediction of exactly 1 (looks-linear) against a flat measured profile has se = 0 and needs no allowance.
        return new TheoryComparison(prediction, m.Rate, se, allowance, disagrees);
    }
}
