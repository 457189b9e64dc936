using GradScope.Reporting;
using static GradScope.Diagnostics.Diagnosis.EvidenceFormat;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// The one-page analyze report: diagnosis and recommendations first, then theory, what-if and the plots, built with the
/// shared Reporting document model so HTML and Markdown come from one structure. With two results it compares them.
/// </summary>
public static class DiagnosisDocument
{
    public static ReportDocument Build(IReadOnlyList<DiagnosisResult> results)
    {
        if (results.Count is < 1 or > 2) throw new ArgumentException("The report shows one network or compares two.", nameof(results));
        var document = new ReportDocument(results.Count == 1
            ? $"GradScope diagnosis: {results[0].Label}"
            : $"GradScope comparison: {results[0].Label} vs {results[1].Label}");
        document.Subtitle = string.Join(" · ", results.Select(r => r.Report.Description));
        var first = results[0].Report;
        document.AddMetadata("batch", $"{first.BatchSize} examples{(first.Seed is ulong s ? $", seed {s}" : "")}");
        foreach (var r in results)
            document.AddMetadata(results.Count > 1 ? r.Label : "GSC",
                $"rate r = {r.Report.Gsc.Rate:0.0000}, R² = {Number(r.Report.Gsc.R2)}, r^{r.Report.Gsc.LinearDepth} = " +
                    $"{Number(r.Report.Gsc.Growth)}" +
                $" ({r.Report.Gsc.Method})");

        AddDiagnosis(document, results);
        AddRecommendations(document, results);
        if (results.Count == 2) AddComparison(document, results);
        AddTheory(document, results);
        if (results[0].WhatIf is { Count: > 0 } rows) AddWhatIf(document, rows);
        AddPlots(document, results);
        return document;
    }

    private static void AddDiagnosis(ReportDocument document, IReadOnlyList<DiagnosisResult> results)
    {
        var section = document.AddSection("diagnosis", "Diagnosis");
        foreach (var r in results)
        {
            if (results.Count > 1) section.AddParagraph($"**{r.Label}**");
            if (r.Findings.Count == 0)
            {
                section.AddNote(NoteKind.Info, "No pathology found: no exploding or vanishing gradients, collapsing domain, dead ReLUs, " +
                                               "low effective depth or weak dilution.").Title = "Healthy";
                continue;
            }
            for (int i = 0; i < r.Findings.Count; i++)
            {
                var f = r.Findings[i];
                var note = section.AddNote(f.Severity == Severity.Info ? NoteKind.Info : NoteKind.Warning,
                    f.Summary + " Evidence: " + string.Join("; ", f.Evidence) + ".");
                note.Title = $"{i + 1}. {Title(f.Kind)} ({DiagnosisText.SeverityText(f)})";
            }
        }
    }

    private static void AddRecommendations(ReportDocument document, IReadOnlyList<DiagnosisResult> results)
    {
        if (results.All(r => r.Recommendations.Count == 0)) return;
        var section = document.AddSection("recommendations", "What to try");
        foreach (var r in results)
        {
            if (results.Count > 1 && r.Recommendations.Count > 0) section.AddParagraph($"**{r.Label}**");
            for (int i = 0; i < r.Recommendations.Count; i++)
            {
                var rec = r.Recommendations[i];
                section.AddParagraph($"**{i + 1}. {rec.Action}** (because of: {Title(rec.Because).ToLowerInvariant()})");
                section.AddParagraph("Why: " + rec.Mechanism);
                if (rec.Alternatives.Count > 0)
                    section.AddParagraph("Alternatives: " + string.Join("; ", rec.Alternatives.Select(a => $"{a.Label} = `{a.Spec}`")));
            }
        }
    }

    private static void AddComparison(ReportDocument document, IReadOnlyList<DiagnosisResult> results)
    {
        var section = document.AddSection("comparison", "Side by side");
        var table = section.AddTable(TableColumn.Text("measure"), TableColumn.Numeric(results[0].Label),
            TableColumn.Numeric(results[1].Label));
        foreach (var (name, value) in ComparisonRows.Measures)
            table.AddRow(name, value(results[0]), value(results[1]));
    }

    private static void AddTheory(ReportDocument document, IReadOnlyList<DiagnosisResult> results)
    {
        if (results.All(r => r.Theory is null)) return;
        var section = document.AddSection("theory", "Theory beside measurement");
        section.AddIntro("Mean-field prediction of the per-layer rate at initialisation next to the measured fit. The tolerance on " +
                         $"log r is {DiagnosisThresholds.TheoryDisagreementSigmas} standard errors of the measured log-rate plus a " +
                         "finite-size allowance (2/width, + 3/batch with batch norm); beyond it the two disagree.");
        var table = section.AddTable(TableColumn.Text("network"), TableColumn.Text("theory"), TableColumn.Numeric("predicted r"),
            TableColumn.Numeric("measured r"), TableColumn.Numeric("Δ log r"), TableColumn.Numeric("tolerance"),
                TableColumn.Text("verdict"));
        foreach (var r in results)
            if (r.Theory is { } t)
                table.AddRow(r.Label, t.Prediction.Model, TableCell.Number(t.Prediction.Rate, 5), TableCell.Number(t.MeasuredRate, 5),
                    TableCell.Number(t.LogDifference, 3), TableCell.Number(t.Tolerance, 2),
                    new TableCell(t.Disagrees ? "disagrees" : "agrees", t.Disagrees ? CellStatus.Bad : CellStatus.Ok));
    }

    private static void AddWhatIf(ReportDocument document, IReadOnlyList<WhatIfRow> rows)
    {
        var section = document.AddSection("what-if", "What-if: the alternatives, measured");
        section.AddIntro("Each alternative has the same input dimension, classes and (as nearly as the width allows) parameter count, " +
                         "and is measured from its initial state on the same probe batch as the analysed network.");
        var table = section.AddTable(TableColumn.Text("network"), TableColumn.Text("architecture"), TableColumn.Numeric("parameters"),
            TableColumn.Numeric("w_r"), TableColumn.Numeric("rate r"), TableColumn.Numeric("growth r^L"),
            TableColumn.Numeric("sign div. (output)"), TableColumn.Numeric("pseudo-linear layers"), TableColumn.Numeric("k"),
                TableColumn.Numeric("eff. depth"),
                TableColumn.Numeric("theory r"));
        foreach (var r in rows)
        {
            var growthStatus = r.Growth > PathologyThresholds.ExplodingGrowth || r.Growth < PathologyThresholds.VanishingGrowth
                ? CellStatus.Bad : CellStatus.Ok;
            table.AddRow(r.IsOriginal ? $"{r.Label} (analysed)" : r.Label, $"{r.Architecture} {r.Depth}×{r.Width}",
                TableCell.Integer(r.Parameters),
                TableCell.Number(r.ResidualWeight), TableCell.Number(r.Rate, 5), TableCell.Number(r.Growth, 3, growthStatus),
                TableCell.Number(r.OutputSignDiversity),
                double.IsNaN(r.PseudoLinearFraction) ? TableCell.Missing() : $"{100 * r.PseudoLinearFraction:0} %",
                TableCell.Number(r.MeanDilution), TableCell.Integer(r.EffectiveDepth),
                TableCell.Number(r.PredictedRate, 5));
        }
        table.WithCaption("Depth × width in linear layers × units; growth r^L is green when neither exploding nor vanishing.");
        foreach (var r in rows.Where(r => r.NotMeasured is not null))
            section.AddNote(NoteKind.Warning, $"{r.Label}: not measured. {r.NotMeasured}");
    }

    private static void AddPlots(ReportDocument document, IReadOnlyList<DiagnosisResult> results)
    {
        var section = document.AddSection("plots", "Measurements");
        section.AddFigure(DiagnosisPlots.GscProfile(results),
            "GSC(k, 0) on a log axis with the least-squares fit c·r^n (solid) and, at initialisation, the mean-field prediction (dashed).");
        if (results.Any(r => r.Report.Collapse.Count > 0))
        {
            section.AddFigure(DiagnosisPlots.PreActivationStd(results),
                "Pre-activation standard deviation across the batch, per position.");
            section.AddFigure(DiagnosisPlots.SignDiversity(results),
                $"Sign diversity per position (0.5 = balanced signs); below {DiagnosisThresholds.DeadSignDiversity} the units are dead " +
                    $"or always on.");
            section.AddFigure(DiagnosisPlots.PseudoLinearity(results),
                "Pseudo-linearity per position; small values mean the nonlinearity acts linearly.");
        }
        if (DiagnosisPlots.LambdaProfile(results) is { } lambda)
            section.AddFigure(lambda, "λ-profile at the network input with the effective depth marked (dashed).");
        if (DiagnosisPlots.Dilution(results) is { } dilution)
            section.AddFigure(dilution, "Dilution k per residual unit; below 1 the branch outweighs the skip connection.");
        foreach (var r in results)
            if (DiagnosisPlots.GscMatrix(r) is { } matrix)
            {
                if (results.Count > 1) matrix = Renamed(matrix, "gsc-matrix-" + results.ToList().IndexOf(r));
                section.AddFigure(matrix, "The GSC matrix GSC(k, l), 0 ≤ l ≤ k, as a heat map of log10 values (blank above the diagonal).");
            }
    }

    private static PlotSpec Renamed(PlotSpec plot, string id)
    {
        var copy = new PlotSpec(id, plot.Title) { XLabel = plot.XLabel, YLabel = plot.YLabel, XScale = plot.XScale, YScale = plot.YScale };
        copy.Series.AddRange(plot.Series);
        copy.ReferenceLines.AddRange(plot.ReferenceLines);
        return copy;
    }

    public static string Title(FindingKind kind) => kind switch
    {
        FindingKind.ExplodingGradients => "Exploding gradients",
        FindingKind.VanishingGradients => "Vanishing gradients",
        FindingKind.CollapsingDomain => "Collapsing domain",
        FindingKind.DeadOrAlwaysOnRelus => "Dead or always-on ReLUs",
        FindingKind.LowEffectiveDepth => "Low effective depth",
        FindingKind.WeakDilution => "Weak dilution",
        FindingKind.BatchCoupling => "Batch-norm coupling",
        _ => kind.ToString(),
    };
}
