using static GradScope.Diagnostics.PathologyThresholds;
using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// The dilution a ResNet needs, from the Pythagorean relation (SPEC §2.4): a unit whose branch alone has GSC G_b and
/// whose dilution is k has GSC² ≈ 1 + (G_b² − 1)/(k² + 1). U such units grow the gradient by
/// [1 + (G_b² − 1)/(k² + 1)]^(U/2); keeping that under <see cref="ExplodingGrowth"/> needs
/// k² ≥ (G_b² − 1)/(ExplodingGrowth^(2/U) − 1) − 1. The target is never below <see cref="WeakDilution"/> ×
/// <see cref="BorderlineFactor"/>, so the suggestion clears the weak-dilution rule.
/// </summary>
public static class DilutionTarget
{
    public static double For(double branchGsc, int units)
    {
        double floor = WeakDilution * BorderlineFactor;
        if (units < 1 || !double.IsFinite(branchGsc) || branchGsc <= 1) return floor;
        double perUnit = Math.Pow(ExplodingGrowth, 2.0 / units) - 1;
        double k2 = (branchGsc * branchGsc - 1) / perUnit - 1;
        return Math.Max(floor, Math.Sqrt(Math.Max(k2, 0)));
    }

    /// <summary>
    /// The residual weight expected to reach <paramref name="targetK"/>: k = Q‖v‖ / (w_r Q‖branch(v)‖) is inversely
    /// proportional to w_r while the units' inputs keep their scale, so w_r scales by k_now / k_target.
    /// </summary>
    public static double ResidualWeightFor(double residualWeight, double measuredK, double targetK) =>
        residualWeight * measuredK / targetK;
}
