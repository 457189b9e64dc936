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
        if (Share(nonlinear, n => n.PseudoLinearity < PseudoLinearity, CollapsedLayerFraction) is not { } share) return null;
        var pseudo = share.Hits;

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
            "inputs, so the network is shallower than its depth suggests" + share.Ending;
        return share.ToFinding(FindingKind.CollapsingDomain, summary, evidence);
    }

    public static Finding? DeadOrAlwaysOnRelus(Measurements m)
    {
        var relus = m.Nonlinearities.Where(n => n.Activation == "relu").ToList();
        if (Share(relus, n => n.SignDiversity < DeadSignDiversity, DeadLayerFraction) is not { } share) return null;
        var dead = share.Hits;
        var evidence = new List<string>
        {
            $"{dead.Count} of {relus.Count} ReLU layers have mean sign diversity < {Number(DeadSignDiversity)} " +
            $"(min {Number(dead.Min(d => d.SignDiversity))}) at positions {Positions(dead.Select(d => d.Position))}",
            "sign diversity ≈ 0 means each unit sees one sign over the whole batch: it is either dead (output 0) or acts as the identity",
        };
        string summary = $"Dead or always-on ReLUs: in {dead.Count} of {relus.Count} ReLU layers the units see a single sign over the " +
            "batch" + share.Ending;
        return share.ToFinding(FindingKind.DeadOrAlwaysOnRelus, summary, evidence);
    }

    /// <summary>
    /// The layers a rule picked out of those it looks at, when they are at least its threshold fraction: clear from
    /// threshold × <see cref="BorderlineFactor"/>, high severity from <see cref="SevereCollapsedLayerFraction"/>.
    /// </summary>
    private sealed record LayerShare(List<NonlinearityMeasurement> Hits, double Fraction, Certainty Certainty, Severity Severity)
    {
        public string Ending => Certainty == Certainty.Borderline ? " (borderline)." : ".";

        public Finding ToFinding(FindingKind kind, string summary, List<string> evidence) =>
            new(kind, Severity, Certainty, summary, evidence, Hits.Select(h => h.Position).Distinct().Order().ToList(), Fraction);
    }

    /// <summary>
    /// The share of <paramref name="layers"/> that <paramref name="hit"/> picks; null below <paramref name="threshold"/>.
    /// </summary>
    private static LayerShare? Share(List<NonlinearityMeasurement> layers, Func<NonlinearityMeasurement, bool> hit, double threshold)
    {
        var hits = layers.Where(hit).ToList();
        if (hits.Count == 0) return null;
        double fraction = (double)hits.Count / layers.Count;
        if (fraction < threshold) return null;
        return new LayerShare(hits, fraction,
            fraction >= threshold * BorderlineFactor ? Certainty.Clear : Certainty.Borderline,
            fraction >= SevereCollapsedLayerFraction ? Severity.High : Severity.Moderate);
    }
}
