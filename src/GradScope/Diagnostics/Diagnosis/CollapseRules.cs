using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;
using static GradScope.Diagnostics.Diagnosis.EvidenceFormat;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// Collapsing domain (SPEC §2.3): nonlinearities whose pre-activations have become so similar across the batch that
/// they act almost linearly (pseudo-linear layers), and ReLUs whose units are dead or always on over the batch.
/// Linear "activations" are not nonlinearities and are never counted.
/// </summary>
public static class CollapseRules
{
    public static Finding? CollapsingDomain(Measurements m)
    {
        var nonlinear = m.Nonlinearities.Where(n => n.Activation != "linear").ToList();
        if (nonlinear.Count == 0) return null;
        var pseudo = nonlinear.Where(n => n.PseudoLinearity < PseudoLinearity).ToList();
        double fraction = (double)pseudo.Count / nonlinear.Count;
        if (pseudo.Count == 0 || fraction < CollapsedLayerFraction) return null;
        var certainty = fraction >= CollapsedLayerFraction * BorderlineFactor ? Certainty.Clear : Certainty.Borderline;
        var severity = fraction >= SevereCollapsedLayerFraction ? Severity.High : Severity.Moderate;

        var byPosition = nonlinear.OrderBy(n => n.Position).ToList();
        var outputSide = byPosition[0];
        var inputSide = byPosition[^1];
        var evidence = new List<string>
        {
            $"{pseudo.Count} of {nonlinear.Count} nonlinearities are pseudo-linear (1 − R² of an affine fit < {Number(PseudoLinearity)}) " +
            $"at positions {Positions(pseudo.Select(p => p.Position))}",
            $"pseudo-linearity {Number(inputSide.PseudoLinearity)} at the input side (position {inputSide.Position}) → " +
            $"{Number(outputSide.PseudoLinearity)} at the output side (position {outputSide.Position})",
            $"pre-activation std {Number(inputSide.PreActivationStd)} at the input side → {Number(outputSide.PreActivationStd)} at the " +
                $"output side; " +
            $"sign diversity {Number(inputSide.SignDiversity)} → {Number(outputSide.SignDiversity)}",
        };
        string activations = string.Join("/", pseudo.Select(p => p.Activation).Distinct());
        string summary = $"Collapsing domain: {pseudo.Count} of {nonlinear.Count} {activations} layers act almost linearly on their " +
            $"inputs, " +
                         "so the network is shallower than its depth suggests" + (certainty == Certainty.Borderline
                             ? " (borderline)." : ".");
        return new Finding(FindingKind.CollapsingDomain, severity, certainty, summary, evidence,
            pseudo.Select(p => p.Position).Distinct().Order().ToList(), fraction);
    }

    public static Finding? DeadOrAlwaysOnRelus(Measurements m)
    {
        var relus = m.Nonlinearities.Where(n => n.Activation == "relu").ToList();
        if (relus.Count == 0) return null;
        var dead = relus.Where(n => n.SignDiversity < DeadSignDiversity).ToList();
        double fraction = (double)dead.Count / relus.Count;
        if (dead.Count == 0 || fraction < DeadLayerFraction) return null;
        var certainty = fraction >= DeadLayerFraction * BorderlineFactor ? Certainty.Clear : Certainty.Borderline;
        var severity = fraction >= SevereCollapsedLayerFraction ? Severity.High : Severity.Moderate;
        var evidence = new List<string>
        {
            $"{dead.Count} of {relus.Count} ReLU layers have mean sign diversity < {Number(DeadSignDiversity)} " +
            $"(min {Number(dead.Min(d => d.SignDiversity))}) at positions {Positions(dead.Select(d => d.Position))}",
            "sign diversity ≈ 0 means each unit sees one sign over the whole batch: it is either dead (output 0) or acts as the identity",
        };
        string summary = $"Dead or always-on ReLUs: in {dead.Count} of {relus.Count} ReLU layers the units see a single sign over the " +
            $"batch" +
                         (certainty == Certainty.Borderline ? " (borderline)." : ".");
        return new Finding(FindingKind.DeadOrAlwaysOnRelus, severity, certainty, summary, evidence,
            dead.Select(d => d.Position).Distinct().Order().ToList(), fraction);
    }
}
