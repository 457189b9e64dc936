using System.Text.Json;
using GradScope.Networks;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>The measurements of one network and everything the diagnosis made of them.</summary>
/// <param name="Label">How the network is named in reports (architecture name or checkpoint file).</param>
/// <param name="Spec">Zoo spec when the network is (or maps onto) a zoo family.</param>
/// <param name="Theory">Mean-field prediction beside the measured rate (untrained networks where a theory applies).</param>
/// <param name="WhatIf">The measured alternatives, original first (when asked for).</param>
public sealed record DiagnosisResult(
    string Label, ArchitectureSpec? Spec, DiagnosticsReport Report, IReadOnlyList<Finding> Findings,
    IReadOnlyList<Recommendation> Recommendations, TheoryComparison? Theory, IReadOnlyList<WhatIfRow>? WhatIf)
{
    /// <summary>Findings, recommendations, theory and what-if as JSON (the measurements stay in the diagnostics JSON).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        label = Label,
        architecture = Spec?.Name,
        findings = Findings,
        recommendations = Recommendations.Select(r => new
        {
            because = r.Because,
            action = r.Action,
            mechanism = r.Mechanism,
            alternatives = r.Alternatives.Select(a => new { label = a.Label, architecture = a.Spec.ToString() }),
        }),
        theory = Theory,
        what_if = WhatIf,
    }, JsonDefaults.Options);
}
