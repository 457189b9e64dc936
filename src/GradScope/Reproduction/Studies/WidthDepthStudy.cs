using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 6: one parameter budget spent on several depths.</summary>
internal static class WidthDepthStudy
{
    public sealed record Row(string Architecture, int Depth, int Width, long Parameters, SearchResult Search)
    {
        public SeedSpread? TrainError => Search.Spread(r => r.TrainError);
        public SeedSpread? TestError => Search.Spread(r => r.TestError);
        public SeedSpread? EffectiveDepth => Search.Spread(r => r.Final?.EffectiveDepth);
        public SeedSpread? TruncationEffectiveDepth => Search.Spread(r => r.Final?.TruncationEffectiveDepth);
        public double? GscRateInit => Search.Best?.Initial?.GscRate;

        public string Status => Search.Best is not null ? RunStatus.Completed.Name()
            : Search.Runs.Count > 0 && Search.Diverged == Search.Runs.Count ? RunStatus.Diverged.Name() : StudyText.MissingText;
    }

    /// <summary>One row per (family, depth), sorted by family and depth.</summary>
    public static IReadOnlyList<Row> Rows(SweepResults results)
    {
        var spec = results.Preset.WidthDepth;
        var rows = new List<Row>();
        foreach (var group in results.Plan.CellsOf<TrainCellSpec>(StudyIds.WidthDepth)
                     .GroupBy(c => (c.Training.Architecture.Name, c.Training.Architecture.LinearLayers)))
        {
            var a = group.First().Training.Architecture;
            var s = results.Search(StudyIds.WidthDepth, a.Name, spec.Optimizer, c =>
                c.Training.Architecture.LinearLayers == a.LinearLayers);
            rows.Add(new Row(a.Name, a.LinearLayers, a.Width, a.TrainableParameters, s));
        }
        return [.. rows.OrderBy(r => r.Architecture, StringComparer.Ordinal).ThenBy(r => r.Depth)];
    }

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.WidthDepth, "Width versus depth");
        var rows = Rows(results);
        section.AddIntro("A fixed parameter budget" + (rows.Count > 0 ? $" (≈ {rows.Max(r => r.Parameters):N0} trainable " +
            $"parameters)" : "") +
            " spent on networks of different depth, each with the largest width that keeps within the budget and its own learning-rate " +
                "search, trained with " +
            Optimizer<float>.KindName(results.Preset.WidthDepth.Optimizer) + ". The paper recommends width over depth: exploding " +
                "gradients make deep narrow networks effectively shallow anyway.");
        var output = new StudyOutput(StudyIds.WidthDepth, section);
        StudyText.NoteMissing(output, results, StudyIds.WidthDepth);

        var err = new PlotSpec("width-depth-error", "Training error against depth at a fixed parameter budget") { XLabel = "depth " +
            "(linear layers)", YLabel = "training error", XScale = AxisScale.Log10 };
        var eff = new PlotSpec("width-depth-effdepth", "Effective depth against depth at a fixed parameter budget")
        {
            XLabel = "depth (linear layers)", YLabel = "effective depth / depth", XScale = AxisScale.Log10,
        };
        foreach (var group in rows.GroupBy(r => r.Architecture))
        {
            err.AddSeries(group.Key, group.Where(r => r.TrainError is not null).Select(r => ((double)r.Depth, r.TrainError!.Mean)));
            eff.AddSeries(group.Key, group.Where(r => r.TruncationEffectiveDepth is not null).Select(r => ((double)r.Depth,
                r.TruncationEffectiveDepth!.Mean / r.Depth)));
        }
        section.AddFigure(err, "Mean training error over the seeds at the best learning rate of each depth's own search.");
        section.AddFigure(eff, "Effective depth (gradient truncation, as in the training study) of the same networks as a fraction " +
            "of their depth, so shallow and deep networks compare.");
        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("depth"), TableColumn.Numeric("width"),
            TableColumn.Numeric("parameters"),
            TableColumn.Numeric("best lr"), TableColumn.Numeric("train error"), TableColumn.Numeric("test " +
                "error"), TableColumn.Numeric("effective depth"), TableColumn.Numeric("SPEC λ-share"), TableColumn.Numeric("r at init"))
            .WithCaption("Means over the seeds at the best learning rate of each depth's search, range in brackets. Effective depth by " +
                "gradient truncation, the SPEC's λ-share beside it (docs/faithfulness.md §4).");
        foreach (var r in rows)
            table.AddRow(r.Architecture, TableCell.Integer(r.Depth), TableCell.Integer(r.Width), TableCell.Integer(r.Parameters),
                r.Search.BestLearningRate is null ? TableCell.Missing(r.Status) : StudyFormat.BestRate(r.Search),
                    StudyFormat.Pct(r.TrainError),
                StudyFormat.Pct(r.TestError), StudyFormat.Num(r.TruncationEffectiveDepth), StudyFormat.Num(r.EffectiveDepth),
                StudyText.Num(r.GscRateInit, 4));
        output.Set("networks", rows.Select(r => new
        {
            architecture = r.Architecture, depth = r.Depth, width = r.Width, parameters = r.Parameters,
                best_learning_rate = r.Search.BestLearningRate,
            grid_position = StudyFormat.PositionName(r.Search.Position), train_error = r.TrainError, test_error = r.TestError,
            effective_depth = r.EffectiveDepth, truncation_effective_depth = r.TruncationEffectiveDepth, gsc_rate_init = r.GscRateInit,
            status = r.Status,
        }).ToList());
        output.AddCsv("width-depth", ["architecture", "depth", "width", "parameters", "best_learning_rate", "grid_position", "seeds",
            "train_error_mean",
            "train_error_min", "train_error_max", "test_error_mean", "effective_depth_mean", "truncation_effective_depth_mean",
            "gsc_rate_init", "status"],
            rows.Select(r => new object?[]
            {
                r.Architecture, r.Depth, r.Width, r.Parameters, r.Search.BestLearningRate, StudyFormat.PositionName(r.Search.Position),
                    r.Search.Seeds,
                r.TrainError?.Mean, r.TrainError?.Min, r.TrainError?.Max, r.TestError?.Mean, r.EffectiveDepth?.Mean,
                r.TruncationEffectiveDepth?.Mean, r.GscRateInit,
                    r.Status,
            }));
        return output;
    }
}
