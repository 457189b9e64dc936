using System.Text;
using static GradScope.Diagnostics.Diagnosis.EvidenceFormat;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// The plain-text diagnosis printed by <c>analyze</c>: what is wrong and what to try come first, so they fit the
/// first screen; the per-position table follows only when asked for.
/// </summary>
public static class DiagnosisText
{
    public static string Render(DiagnosisResult result, bool table)
    {
        var report = result.Report;
        var g = report.Gsc;
        var sb = new StringBuilder();
        sb.AppendLine(report.Description);
        sb.AppendLine($"batch {report.BatchSize}{(report.Seed is ulong s ? $", seed {s}" : "")}" +
                      $"{(report.Epoch is int e ? $", epoch {e}" : "")}, loss {Number(report.Loss)}, GSC {g.Method}" +
                      $"; rate r = {g.Rate:0.0000}, R² = {Number(g.R2)}, r^{g.LinearDepth} = {Number(g.Growth)}, verdict {g.Verdict}");
        if (report.EffectiveDepth is int depth && report.Epoch is > 0)
            sb.AppendLine($"effective depth {depth} of {report.Blocks} blocks (τ = {Number(report.Tau ?? double.NaN)})");
        sb.AppendLine();
        AppendFindings(sb, result.Findings);
        AppendRecommendations(sb, result.Recommendations);
        AppendTheory(sb, result.Theory);
        if (result.WhatIf is { Count: > 0 } rows) AppendWhatIf(sb, rows);
        if (table)
        {
            sb.AppendLine();
            sb.Append(report.ToText());
        }
        else sb.AppendLine("(per-position table: --table; everything: --json)");
        return sb.ToString();
    }

    public static void AppendFindings(StringBuilder sb, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            sb.AppendLine("Diagnosis: no pathology found (no exploding or vanishing gradients, collapsing domain, dead ReLUs, " +
                          "low effective depth or weak dilution).");
            sb.AppendLine();
            return;
        }
        sb.AppendLine("Diagnosis (worst first):");
        for (int i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            sb.AppendLine($"  {i + 1}. [{SeverityText(f)}] {f.Summary}");
            foreach (string line in f.Evidence) sb.AppendLine($"       - {line}");
        }
        sb.AppendLine();
    }

    public static string SeverityText(Finding f) =>
        f.Severity.ToString().ToLowerInvariant() + (f.Certainty == Certainty.Borderline ? ", borderline" : "");

    private static void AppendRecommendations(StringBuilder sb, IReadOnlyList<Recommendation> recommendations)
    {
        if (recommendations.Count == 0) return;
        sb.AppendLine("What to try:");
        for (int i = 0; i < recommendations.Count; i++)
        {
            var r = recommendations[i];
            sb.AppendLine($"  {i + 1}. {r.Action}");
            sb.AppendLine($"     Why: {r.Mechanism}");
            if (r.Alternatives.Count > 0)
                sb.AppendLine("     Alternatives: " + string.Join("; ", r.Alternatives.Select(a => $"{a.Label} = {a.Spec}")));
        }
        sb.AppendLine();
    }

    private static void AppendTheory(StringBuilder sb, TheoryComparison? theory)
    {
        if (theory is null) return;
        var p = theory.Prediction;
        sb.AppendLine($"Theory ({p.Model}): predicted r = {p.Rate:0.0000} (fixed point {p.FixedPointRate:0.0000}), measured r = " +
                      $"{theory.MeasuredRate:0.0000}; log difference {theory.LogDifference:+0.0000;-0.0000} vs sampling error " +
                      $"{Number(theory.SamplingError)} + finite-size allowance {Number(theory.FiniteSizeAllowance)} → " +
                      (theory.Disagrees ? "DISAGREES beyond sampling error" : "agrees"));
        sb.AppendLine();
    }

    private static void AppendWhatIf(StringBuilder sb, IReadOnlyList<WhatIfRow> rows)
    {
        sb.AppendLine("What-if (alternatives at the same parameter budget, measured on the same batch at initialisation):");
        sb.AppendLine($"  {"network",-22} {"arch",-18} {"params",9} {"depth",5} {"width",5} {"w_r",6} {"rate",7} {"R²",6} " +
                      $"{"growth",9} {"sign div",8} {"pseudo-lin",10} {"k",6} {"eff.d",5} {"theory r",8}");
        foreach (var r in rows)
            sb.AppendLine($"  {Clip(r.Label, 22),-22} {Clip(r.Architecture, 18),-18} {r.Parameters,9} {r.Depth,5} {r.Width,5} " +
                          $"{(r.ResidualWeight is double w ? Number(w) : "—"),6} {r.Rate,7:0.0000} {Number(r.R2),6} {Number(r.Growth),9} " +
                          $"{Number(r.OutputSignDiversity),8} {Percent(r.PseudoLinearFraction),10} {(r.MeanDilution is double k
                              ? Number(k) : "—"),6} " +
                          $"{(r.EffectiveDepth is int d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "—"),5} " +
                          $"{(r.PredictedRate is double p ? p.ToString("0.0000",
                              System.Globalization.CultureInfo.InvariantCulture) : "—"),8}");
        foreach (var r in rows.Where(r => r.NotMeasured is not null)) sb.AppendLine($"  {r.Label}: not measured. {r.NotMeasured}");
        sb.AppendLine();
    }

    private static string Percent(double f) => double.IsNaN(f) ? "—" : $"{100 * f:0} %";

    private static string Clip(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}

/// <summary>Two diagnosed networks side by side (e.g. the initial and the trained state of one run).</summary>
public static class ComparisonText
{
    public static string Render(DiagnosisResult a, DiagnosisResult b, bool table)
    {
        var sb = new StringBuilder();
        int width = Math.Max(24, Math.Max(a.Label.Length, b.Label.Length) + 2);
        sb.AppendLine($"{"",-24} {a.Label.PadLeft(width)} {b.Label.PadLeft(width)}");
        foreach (var (name, value) in ComparisonRows.Measures.Skip(1))
            sb.AppendLine($"{name,-24} {value(a).Text.PadLeft(width)} {value(b).Text.PadLeft(width)}");
        sb.AppendLine();
        foreach (var r in new[] { a, b })
        {
            sb.AppendLine($"=== {r.Label}");
            sb.Append(DiagnosisText.Render(r, table));
        }
        return sb.ToString();
    }
}
