using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;
using static GradScope.Diagnostics.Diagnosis.EvidenceFormat;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// Low effective depth of a trained network (SPEC §2.5): gradient paths through more than d learned residual
/// functions carry at most τ of the gradient, with d far below the number of blocks. At initialisation the effective
/// depth is 0 by construction, so this rule reads trained networks only.
/// </summary>
public static class DepthRules
{
    public static Finding? LowEffectiveDepth(Measurements m)
    {
        if (m.EffectiveDepth is not int depth || m.Blocks < 1) return null;
        double fraction = (double)depth / m.Blocks;
        if (fraction >= LowEffectiveDepthFraction) return null;
        var certainty = fraction < LowEffectiveDepthFraction / BorderlineFactor ? Certainty.Clear : Certainty.Borderline;
        var evidence = new List<string>
        {
            $"effective depth {depth} of {m.Blocks} blocks ({Number(100 * fraction)} %; low below " +
                $"{Number(100 * LowEffectiveDepthFraction)} %)",
        };
        if (m.LambdaProfile is { Count: > 0 } lambda)
        {
            int mode = Enumerable.Range(0, lambda.Count).MaxBy(i => lambda[i]);
            evidence.Add($"the λ-profile peaks at λ = {mode} residual functions per gradient path");
        }
        string summary = $"Low effective depth: training used paths through at most {depth} of the {m.Blocks} learned block changes; " +
                         "the remaining depth costs parameters and gradient stability without adding trained composition" +
                         (certainty == Certainty.Borderline ? " (borderline)." : ".");
        return new Finding(FindingKind.LowEffectiveDepth, Severity.Moderate, certainty, summary, evidence, [], 1 - fraction);
    }
}
