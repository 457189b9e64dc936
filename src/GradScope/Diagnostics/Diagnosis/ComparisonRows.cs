using GradScope.Reporting;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>The measures shown side by side when two networks are compared (text and report use the same list).</summary>
public static class ComparisonRows
{
    public static IReadOnlyList<(string Name, Func<DiagnosisResult, TableCell> Value)> Measures { get; } =
    [
        ("architecture", r => r.Report.Description),
        ("epoch", r => TableCell.Integer(r.Report.Epoch)),
        ("loss on the batch", r => TableCell.Number(r.Report.Loss, 4)),
        ("rate r", r => TableCell.Number(r.Report.Gsc.Rate, 5)),
        ("fit R²", r => TableCell.Number(r.Report.Gsc.R2)),
        ("growth r^L", r => TableCell.Number(r.Report.Gsc.Growth)),
        ("mean sign diversity", r => TableCell.Number(Mean(r, c => c.SignDiversityMean))),
        ("mean pseudo-linearity", r => TableCell.Number(Mean(r, c => c.PseudoLinearityMean))),
        ("mean pre-activation std", r => TableCell.Number(Mean(r, c => c.PreActivationStdMean))),
        ("effective depth", r => TableCell.Integer(r.Report.EffectiveDepth)),
        ("findings", r => string.Join(", ",
            r.Findings.Select(f => DiagnosisDocument.Title(f.Kind).ToLowerInvariant())) is { Length: > 0 } s ? s : "none"),
    ];

    private static double? Mean(DiagnosisResult r, Func<CollapseRecord, double> metric) =>
        r.Report.Collapse.Count == 0 ? null : r.Report.Collapse.Average(metric);
}
