using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;
using static GradScope.Diagnostics.Diagnosis.EvidenceFormat;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// Weak dilution in ResNets (SPEC §2.4): a unit f(v) = v + ρ(v) with k = Q‖v‖/Q‖ρ(v)‖ cuts its branch's gradient
/// growth about (k² + 1)-fold (the Pythagorean relation); with k &lt; 1 the branch dominates and the skip
/// connection hardly helps.
/// </summary>
public static class DilutionRules
{
    public static Finding? WeakDilution(Measurements m)
    {
        if (m.Dilution.Count == 0) return null;
        var weak = m.Dilution.Where(d => d.Dilution < DiagnosisThresholds.WeakDilution).ToList();
        double fraction = (double)weak.Count / m.Dilution.Count;
        if (weak.Count == 0 || fraction < WeakDilutionUnitFraction) return null;
        double meanK = MeanDilution(m);
        bool clear = meanK < DiagnosisThresholds.WeakDilution / BorderlineFactor;
        var severity = meanK < DiagnosisThresholds.WeakDilution / 2 ? Severity.High : Severity.Moderate;
        var ordered = m.Dilution.OrderByDescending(d => d.Position).ToList();
        var evidence = new List<string>
        {
            $"{weak.Count} of {m.Dilution.Count} units have dilution k < {Number(DiagnosisThresholds.WeakDilution)}; " +
            $"mean k = {Number(meanK)} at w_r = {Number(m.Dilution[0].ResidualWeight)}",
            "k per unit, input side first: " + string.Join(" ", ordered.Select(d => Number(d.Dilution))),
            $"branch GSC mean {Number(m.Dilution.Average(d => d.GscBranch))} vs unit GSC mean " +
                $"{Number(m.Dilution.Average(d => d.GscUnit))} " +
            $"(the skip should cut log-growth about k² + 1 = {Number(meanK * meanK + 1)}-fold)",
        };
        string summary = $"Weak dilution: the residual branches are larger than the skip connections (mean k = {Number(meanK)}), so the " +
                         "ResNet behaves much like the plain network it wraps" + (clear ? "." : " (borderline).");
        return new Finding(FindingKind.WeakDilution, severity, clear ? Certainty.Clear : Certainty.Borderline, summary, evidence,
            weak.Select(w => w.Position).Order().ToList(), 1 / Math.Max(meanK, 1e-12));
    }

    /// <summary>Geometric mean of k over units (k spans decades, so the arithmetic mean would be dominated by one unit).</summary>
    public static double MeanDilution(Measurements m) =>
        m.Dilution.Count == 0 ? double.NaN : Math.Exp(m.Dilution.Average(d => Math.Log(Math.Max(d.Dilution, 1e-300))));
}
