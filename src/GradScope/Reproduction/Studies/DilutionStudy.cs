using GradScope.Diagnostics;
using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 4: ResNets over a range of dilution weights w_r: measured k, GSC against the k² + 1 prediction, effective depth and error.</summary>
internal static class DilutionStudy
{
    /// <summary>One dilution cell's numbers.</summary>
    public sealed record Row(string Architecture, double ResidualWeight, string Cell, double? MeanK, double? MeasuredRate, double? PredictedRate,
        double? FittedRate, double? EffectiveDepth, double? TrainError, double? TestError, string Status, IReadOnlyList<DilutionEntry>? Units);

    /// <summary>
    /// Per linear layer of the residual units: measured rate exp(Σ log GSC_unit / layers) and the prediction
    /// exp(Σ log GSC_unit,predicted / layers), with the diagnostics library's k² + 1 prediction of each unit from its branch.
    /// </summary>
    public static (double? Measured, double? Predicted) Rates(IReadOnlyList<DilutionEntry>? units, int unitSize)
    {
        if (units is not { Count: > 0 }) return (null, null);
        double layers = units.Count * (double)unitSize;
        double measured = units.Sum(u => Math.Log(u.GscUnit)) / layers;
        double predicted = units.Sum(u => Math.Log(u.PredictedGscUnit)) / layers;
        return (Math.Exp(measured), Math.Exp(predicted));
    }

    public static IReadOnlyList<Row> Rows(SweepResults results)
    {
        var rows = new List<Row>();
        foreach (var cell in results.Plan.CellsOf<TrainCellSpec>(StudyIds.Dilution).Where(c => c.Seed == results.Seed))
        {
            var a = cell.Training.Architecture;
            var r = results.Train(cell);
            var units = r?.Initial?.Dilution;
            var (measured, predicted) = Rates(units, a.UnitSize);
            rows.Add(new Row(a.Name, a.EffectiveResidualWeight, cell.Id, units is { Count: > 0 } ? units.Average(u => u.Dilution) : null, measured, predicted,
                r?.Initial?.GscRate, r?.Final?.EffectiveDepth, r?.TrainError, r?.TestError, r?.Status.Name() ?? StudyText.MissingText, units));
        }
        return rows;
    }

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Dilution, "Dilution in ResNets");
        section.AddIntro("ResNets with branch weight w_r over a range of values. A residual unit f(v) = v + ρ(v) is diluted by **k** = Q‖v‖ / Q‖ρ(v)‖; " +
            "by the Pythagorean relation its gradient growth is about that of the branch alone reduced by k² + 1 in log space. " +
            "k is measured per unit at initialisation on the diagnostics batch; the networks are then trained with " +
            Training.Optimizer<float>.KindName(results.Preset.Dilution.Optimizer) + ".");
        var output = new StudyOutput(StudyIds.Dilution, section);
        StudyText.NoteMissing(output, results, StudyIds.Dilution);
        var rows = Rows(results);

        var rate = new PlotSpec("dilution-gsc", "GSC rate per residual layer against dilution k")
        {
            XLabel = "mean dilution k per unit", YLabel = "GSC rate per linear layer", XScale = AxisScale.Log10, YScale = AxisScale.Linear,
        };
        var depth = new PlotSpec("dilution-effdepth", "Effective depth after training against k") { XLabel = "mean dilution k per unit", YLabel = "effective depth", XScale = AxisScale.Log10 };
        var error = new PlotSpec("dilution-error", "Training error after training against k") { XLabel = "mean dilution k per unit", YLabel = "training error", XScale = AxisScale.Log10 };
        int colour = 0;
        foreach (var group in rows.GroupBy(r => r.Architecture))
        {
            var pts = group.Where(r => r.MeanK is not null).OrderBy(r => r.MeanK).ToList();
            rate.AddSeries($"{group.Key}: measured", pts.Where(r => r.MeasuredRate is not null).Select(r => (r.MeanK!.Value, r.MeasuredRate!.Value)), colorIndex: colour);
            rate.AddSeries($"{group.Key}: k² + 1 prediction", pts.Where(r => r.PredictedRate is not null).Select(r => (r.MeanK!.Value, r.PredictedRate!.Value)), SeriesStyle.Dashed, colour);
            depth.AddSeries(group.Key, pts.Where(r => r.EffectiveDepth is not null).Select(r => (r.MeanK!.Value, r.EffectiveDepth!.Value)), colorIndex: colour);
            error.AddSeries(group.Key, pts.Where(r => r.TrainError is not null).Select(r => (r.MeanK!.Value, r.TrainError!.Value)), colorIndex: colour);
            colour++;
        }
        rate.AddReferenceLine(1, "no growth");
        section.AddFigure(rate, "Measured: per-layer rate from the GSC of each whole unit. Dashed: each unit's branch GSC with its log reduced by k² + 1.");
        section.AddFigure(depth, "Effective depth of the trained networks.");
        section.AddFigure(error, "Final training error (diverged runs are omitted and listed in the table).");

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("w_r"), TableColumn.Numeric("mean k"), TableColumn.Numeric("rate measured"),
            TableColumn.Numeric("rate predicted"), TableColumn.Numeric("r (fit)"), TableColumn.Numeric("effective depth"), TableColumn.Numeric("train error"), TableColumn.Text("status"))
            .WithCaption("Rates are per linear layer of the residual units at initialisation; effective depth and error after training.");
        foreach (var r in rows)
            table.AddRow(r.Architecture, TableCell.Number(r.ResidualWeight), StudyText.Num(r.MeanK), StudyText.Num(r.MeasuredRate, 4), StudyText.Num(r.PredictedRate, 4),
                StudyText.Num(r.FittedRate, 4), StudyText.Num(r.EffectiveDepth), StudyText.Pct(r.TrainError),
                new TableCell(r.Status, r.Status == RunStatus.Diverged.Name() ? CellStatus.Bad : r.Status == StudyText.MissingText ? CellStatus.Missing : CellStatus.None));
        output.Set("networks", rows);
        output.AddCsv("dilution", ["architecture", "residual_weight", "cell", "mean_k", "measured_rate", "predicted_rate", "fitted_rate", "effective_depth", "train_error", "test_error", "status"],
            rows.Select(r => new object?[] { r.Architecture, r.ResidualWeight, r.Cell, r.MeanK, r.MeasuredRate, r.PredictedRate, r.FittedRate, r.EffectiveDepth, r.TrainError, r.TestError, r.Status }));
        output.AddCsv("dilution-units", ["architecture", "residual_weight", "unit", "k", "branch_gsc", "unit_gsc"],
            rows.SelectMany(r => (r.Units ?? []).Select(u => new object?[] { r.Architecture, r.ResidualWeight, u.Position, u.Dilution, u.GscBranch, u.GscUnit })));
        return output;
    }
}
