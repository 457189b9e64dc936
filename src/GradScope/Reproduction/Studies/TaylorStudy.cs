using GradScope.Diagnostics;
using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 3 (paper Fig. 1 F): the Taylor experiment on the best trained networks.</summary>
internal static class TaylorStudy
{
    /// <summary>Smallest m whose error exceeds the unmodified network's by 5 percentage points (null when none does).</summary>
    public static int? Tolerance(IReadOnlyList<TaylorPoint> points) => new TaylorNet("", 0, 1, points).Onset;

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Taylor, "Compositional-depth reduction (Taylor experiment)");
        section.AddIntro("The trained networks of study 2 (best learning rate) with their m blocks nearest the input replaced by the " +
            "first-order " +
            "expansion in the residual functions around the initial functions, without retraining. A network whose effective depth is " +
                "small " +
            "keeps its accuracy for many replaced blocks; m = 0 is the unmodified network.");
        var output = new StudyOutput(StudyIds.Taylor, section);
        StudyText.NoteMissing(output, results, StudyIds.Training);
        var searches = TrainingStudy.Searches(results).ToList();
        foreach (var opt in TrainingStudy.Optimizers(results))
        {
            string name = Optimizer<float>.KindName(opt);
            var plot = new PlotSpec($"taylor-{name}", $"Training error against replaced blocks ({name})")
            {
                XLabel = "m / L (fraction of the blocks replaced by their first-order expansion)", YLabel = "training error",
            };
            foreach (var s in searches.Where(s => s.Optimizer == opt && s.Best is { Taylor.Count: > 0 }))
                plot.AddSeries(s.Architecture, s.Best!.Taylor.Select(t => ((double)t.Replaced / s.Best.Blocks, t.Error)));
            section.AddFigure(plot, $"Paper Fig. 1F. Evaluated on {results.Preset.TaylorExamples:N0} training examples; m as a fraction " +
                $"of the " +
                "blocks L, so 26-block ResNets and 50-block MLPs share the axis.");
        }
        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Text("Optimiser"), TableColumn.Numeric("blocks L"),
            TableColumn.Numeric("effective depth"), TableColumn.Numeric("error, m = 0"), TableColumn.Numeric("error, m = " +
                "L"), TableColumn.Numeric("first m with +5 pt"))
            .WithCaption("Blocks are counted as in the diagnostics (a residual unit is one block).");
        var json = new List<object>();
        foreach (var s in searches)
        {
            var b = s.Best;
            var pts = b?.Taylor ?? [];
            double? e0 = pts.FirstOrDefault(t => t.Replaced == 0)?.Error;
            double? eL = pts.Count > 0 ? pts.MaxBy(t => t.Replaced)!.Error : null;
            int? tol = pts.Count > 0 ? Tolerance(pts) : null;
            table.AddRow(s.Architecture, Optimizer<float>.KindName(s.Optimizer), b is null ? TableCell.Missing(StudyText.MissingText)
                : TableCell.Integer(b.Blocks),
                StudyText.Num(b?.Final?.EffectiveDepth), StudyText.Pct(e0), StudyText.Pct(eL),
                pts.Count == 0 ? TableCell.Missing(StudyText.MissingText) : tol is int t ? TableCell.Integer(t) : new TableCell("none"));
            json.Add(new { architecture = s.Architecture, optimizer = s.Optimizer, cell = b?.Id, blocks = b?.Blocks,
                effective_depth = b?.Final?.EffectiveDepth, tolerance = tol, points = pts });
        }
        output.Set("networks", json);
        output.AddCsv("taylor-onset", ["architecture", "optimizer", "cell", "blocks", "effective_depth", "onset"],
            searches.Where(s => s.Best is { Taylor.Count: > 0 }).Select(s => new object?[]
            {
                s.Architecture, Optimizer<float>.KindName(s.Optimizer), s.Best!.Id, s.Best.Blocks, s.Best.Final?.EffectiveDepth,
                    Tolerance(s.Best.Taylor),
            }));
        output.AddCsv("taylor", ["architecture", "optimizer", "cell", "replaced", "train_error"],
            searches.Where(s => s.Best is not null).SelectMany(s => s.Best!.Taylor.Select(t => new object?[] { s.Architecture,
                Optimizer<float>.KindName(s.Optimizer), s.Best.Id, t.Replaced, t.Error })));
        return output;
    }
}
