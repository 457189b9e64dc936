using GradScope.Diagnostics;
using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// Study 4: ResNets over a range of dilution weights w_r: measured k, GSC against the k² + 1 prediction, effective depth and
/// error.
/// </summary>
internal static class DilutionStudy
{
    /// <summary>
    /// One dilution cell (one seed): k and rates at initialisation, effective depth (gradient truncation, and the SPEC's
    /// λ-share) and error after training.
    /// </summary>
    public sealed record Run(string Architecture, double ResidualWeight, ulong Seed, string Cell, double? MeanK, double? MeasuredRate,
        double? PredictedRate, double? FittedRate, double? TruncationEffectiveDepth, double? EffectiveDepth, double? TrainError,
        double? TestError, string Status, IReadOnlyList<DilutionEntry>? Units);

    /// <summary>One (architecture, w_r) over its seeds: means with their seed range.</summary>
    public sealed record Row(string Architecture, double ResidualWeight, IReadOnlyList<Run> Seeds)
    {
        private SeedSpread? Of(Func<Run, double?> value) => SeedSpread.Of(Seeds.Select(value));
        public SeedSpread? MeanK => Of(r => r.MeanK);
        public SeedSpread? MeasuredRate => Of(r => r.MeasuredRate);
        public SeedSpread? PredictedRate => Of(r => r.PredictedRate);
        public SeedSpread? FittedRate => Of(r => r.FittedRate);
        public SeedSpread? EffectiveDepth => Of(r => r.TruncationEffectiveDepth);
        public SeedSpread? TrainError => Of(r => r.TrainError);
        public int Diverged => Seeds.Count(r => r.Status == RunStatus.Diverged.Name());
        public int Missing => Seeds.Count(r => r.Status == StudyText.MissingText);
    }

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

    /// <summary>Every dilution cell of every seed, in plan order.</summary>
    public static IReadOnlyList<Run> Runs(SweepResults results)
    {
        var runs = new List<Run>();
        foreach (var cell in results.Plan.CellsOf<TrainCellSpec>(StudyIds.Dilution))
        {
            var a = cell.Training.Architecture;
            var r = results.Train(cell);
            var units = r?.Initial?.Dilution;
            var (measured, predicted) = Rates(units, a.UnitSize);
            double? meanK = units is { Count: > 0 } ? units.Average(u => u.Dilution) : null;
            runs.Add(new Run(a.Name, a.EffectiveResidualWeight, cell.Seed, cell.Id, meanK, measured, predicted, r?.Initial?.GscRate,
                r?.Final?.TruncationEffectiveDepth, r?.Final?.EffectiveDepth, r?.TrainError, r?.TestError,
                r?.Status.Name() ?? StudyText.MissingText, units));
        }
        return runs;
    }

    public static IReadOnlyList<Row> Rows(SweepResults results) =>
        [.. Runs(results).GroupBy(r => (r.Architecture, r.ResidualWeight))
            .Select(g => new Row(g.Key.Architecture, g.Key.ResidualWeight, [.. g.OrderBy(r => r.Seed)]))];

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Dilution, "Dilution in ResNets");
        section.AddIntro("ResNets with branch weight w_r over a range of values. A residual unit f(v) = v + ρ(v) is diluted by " +
            "**k** = Q‖v‖ / Q‖ρ(v)‖; by the Pythagorean relation its gradient growth is about that of the branch alone reduced by " +
            "k² + 1 in log space. k is measured per unit at initialisation on the diagnostics batch of every seed; the networks are " +
            "then trained with " + Optimizer<float>.KindName(results.Preset.Dilution.Optimizer) + ". Points are means over the " +
            "seeds.");
        var output = new StudyOutput(StudyIds.Dilution, section);
        StudyText.NoteMissing(output, results, StudyIds.Dilution);
        var rows = Rows(results);
        var runs = rows.SelectMany(r => r.Seeds).ToList();

        var rate = new PlotSpec("dilution-gsc", "GSC rate per residual layer against dilution k")
        {
            XLabel = "mean dilution k per unit", YLabel = "GSC rate per linear layer", XScale = AxisScale.Log10,
            YScale = AxisScale.Linear,
        };
        var depth = new PlotSpec("dilution-effdepth", "Effective depth after training against k")
        {
            XLabel = "mean dilution k per unit", YLabel = "effective depth (gradient truncation)", XScale = AxisScale.Log10,
        };
        var error = new PlotSpec("dilution-error", "Training error after training against k")
        {
            XLabel = "mean dilution k per unit", YLabel = "training error", XScale = AxisScale.Log10,
        };
        int colour = 0;
        foreach (var group in rows.GroupBy(r => r.Architecture))
        {
            var pts = group.Where(r => r.MeanK is not null).OrderBy(r => r.MeanK!.Mean).ToList();
            IEnumerable<(double, double)> Points(Func<Row, SeedSpread?> y) =>
                pts.Where(r => y(r) is not null).Select(r => (r.MeanK!.Mean, y(r)!.Mean));
            rate.AddSeries($"{group.Key}: measured", Points(r => r.MeasuredRate), colorIndex: colour);
            rate.AddSeries($"{group.Key}: k² + 1 prediction", Points(r => r.PredictedRate), SeriesStyle.Dashed, colour);
            depth.AddSeries(group.Key, Points(r => r.EffectiveDepth), colorIndex: colour);
            error.AddSeries(group.Key, Points(r => r.TrainError), colorIndex: colour);
            colour++;
        }
        rate.AddReferenceLine(1, "no growth");
        section.AddFigure(rate, "Measured: per-layer rate from the GSC of each whole unit. Dashed: each unit's branch GSC with its " +
            "log reduced by k² + 1.");
        section.AddFigure(depth, "Effective depth (gradient truncation) of the trained networks.");
        section.AddFigure(error, "Final training error (diverged runs are omitted and listed in the table).");

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("w_r"), TableColumn.Numeric("mean k"),
            TableColumn.Numeric("rate measured"), TableColumn.Numeric("rate predicted"), TableColumn.Numeric("r (fit)"),
            TableColumn.Numeric("effective depth"), TableColumn.Numeric("train error"), TableColumn.Text("runs"))
            .WithCaption("Means over the seeds, range in brackets. Rates are per linear layer of the residual units at " +
                "initialisation; effective depth (gradient truncation) and error after training.");
        foreach (var r in rows)
        {
            string status = $"{r.Seeds.Count - r.Missing}/{r.Seeds.Count}" + (r.Diverged > 0 ? $", {r.Diverged} diverged" : "");
            table.AddRow(r.Architecture, TableCell.Number(r.ResidualWeight), StudyFormat.Num(r.MeanK),
                StudyFormat.Num(r.MeasuredRate, 4),
                StudyFormat.Num(r.PredictedRate, 4), StudyFormat.Num(r.FittedRate, 4), StudyFormat.Num(r.EffectiveDepth),
                StudyFormat.Pct(r.TrainError),
                new TableCell(status, r.Diverged > 0 ? CellStatus.Bad : r.Missing > 0 ? CellStatus.Missing : CellStatus.None));
        }
        output.Set("networks", runs);
        output.AddCsv("dilution", ["architecture", "residual_weight", "seed", "cell", "mean_k", "measured_rate", "predicted_rate",
            "fitted_rate", "truncation_effective_depth", "effective_depth", "train_error", "test_error", "status"],
            runs.Select(r => new object?[]
            {
                r.Architecture, r.ResidualWeight, r.Seed, r.Cell, r.MeanK, r.MeasuredRate, r.PredictedRate, r.FittedRate,
                r.TruncationEffectiveDepth, r.EffectiveDepth, r.TrainError, r.TestError, r.Status,
            }));
        output.AddCsv("dilution-units", ["architecture", "residual_weight", "seed", "unit", "k", "branch_gsc", "unit_gsc"],
            runs.SelectMany(r => (r.Units ?? []).Select(u => new object?[]
                { r.Architecture, r.ResidualWeight, r.Seed, u.Position, u.Dilution, u.GscBranch, u.GscUnit })));
        return output;
    }
}
