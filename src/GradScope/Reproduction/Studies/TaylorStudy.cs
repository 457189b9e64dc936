using GradScope.Diagnostics;
using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 3 (paper Fig. 1 F): the Taylor experiment on the best trained networks, from both sides, every seed.</summary>
internal static class TaylorStudy
{
    private static readonly TaylorSide[] Sides = [TaylorSide.NearestInput, TaylorSide.NearestOutput];

    private static string SideTag(TaylorSide side) => side == TaylorSide.NearestInput ? "input" : "output";

    /// <summary>Mean error over the seeds at each m measured by every seed.</summary>
    private static IEnumerable<(double M, double Error)> MeanCurve(IReadOnlyList<TrainCellResult> runs, TaylorSide side, int blocks)
    {
        var curves = runs.Select(r => r.TaylorFrom(side)).Where(c => c.Count > 0).ToList();
        if (curves.Count == 0) return [];
        return curves[0].Select(p => p.Replaced).Where(m => curves.All(c => c.Any(p => p.Replaced == m))).Order()
            .Select(m => ((double)m / blocks, curves.Average(c => c.First(p => p.Replaced == m).Error)));
    }

    /// <summary>The onset over the seeds that degrade at all (a seed that never does adds nothing).</summary>
    private static SeedSpread? Onset(IReadOnlyList<TrainCellResult> runs, TaylorSide side) =>
        SeedSpread.Of(runs.Select(r => r.TaylorFrom(side)).Where(p => p.Count > 1).Select(p => (double?)TaylorNet.Onset(p)));

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Taylor, "Compositional-depth reduction (Taylor experiment)");
        section.AddIntro("The trained networks of study 2 (best learning rate, every seed) with m blocks replaced by the first-order " +
            "expansion in the residual functions around the initial functions, without retraining: the m blocks nearest the " +
            "input, and separately the m nearest the output. A network whose effective depth is small keeps its accuracy for " +
            "many replaced blocks; m = 0 is the unmodified network.");
        var output = new StudyOutput(StudyIds.Taylor, section);
        StudyText.NoteMissing(output, results, StudyIds.Training);
        var searches = TrainingStudy.Searches(results).Where(s => s.Best is not null).ToList();
        foreach (var opt in TrainingStudy.Optimizers(results))
            foreach (var side in Sides)
            {
                string name = Optimizer<float>.KindName(opt);
                var plot = new PlotSpec($"taylor-{name}-{SideTag(side)}",
                    $"Training error against blocks replaced from the {SideTag(side)} side ({name})")
                {
                    XLabel = $"m / L (fraction of the blocks, nearest the {SideTag(side)}, replaced by their expansion)",
                    YLabel = "training error",
                };
                foreach (var s in searches.Where(s => s.Optimizer == opt))
                    if (MeanCurve(s.BestRuns, side, s.Best!.Blocks).ToList() is { Count: > 0 } curve) plot.AddSeries(s.Architecture, curve);
                if (plot.Series.Count == 0) continue;
                section.AddFigure(plot, $"Paper Fig. 1F. Mean over the seeds, evaluated on {results.Preset.TaylorExamples:N0} training " +
                    "examples; m as a fraction of the blocks L, so 26-block ResNets and 50-block MLPs share the axis.");
            }
        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Text("Optimiser"), TableColumn.Numeric("blocks L"),
            TableColumn.Numeric("effective depth"), TableColumn.Numeric("SPEC λ-share"), TableColumn.Numeric("error, m = 0"),
            TableColumn.Numeric("error, m = L"), TableColumn.Numeric("onset, input side"), TableColumn.Numeric("onset, output side"))
            .WithCaption("Means over the seeds, range in brackets. Effective depth by gradient truncation, the SPEC's λ-share " +
                "beside it. Errors from the input side; m = L (every block replaced) is the same network from both sides. Onset: " +
                "first m whose error exceeds m = 0's by 5 points (blank: no seed degrades; averaged over the seeds that do). " +
                "Blocks are counted as in the diagnostics (a residual unit is one block).");
        foreach (var s in searches)
        {
            var runs = s.BestRuns;
            var first = runs.Select(r => r.Taylor).Where(p => p.Count > 0).ToList();
            SeedSpread? e0 = SeedSpread.Of(first.Select(p => p.FirstOrDefault(t => t.Replaced == 0)?.Error));
            SeedSpread? eL = SeedSpread.Of(first.Select(p => (double?)p.MaxBy(t => t.Replaced)!.Error));
            TableCell OnsetCell(TaylorSide side)
            {
                int measured = runs.Count(r => r.TaylorFrom(side).Count > 1);
                return measured == 0 ? TableCell.Missing(StudyText.MissingText)
                    : Onset(runs, side) is { } o ? StudyFormat.Num(o, 2) : new TableCell("none");
            }
            table.AddRow(s.Architecture, Optimizer<float>.KindName(s.Optimizer), TableCell.Integer(s.Best!.Blocks),
                StudyFormat.Num(s.Spread(r => r.Final?.TruncationEffectiveDepth)), StudyFormat.Num(s.Spread(r => r.Final?.EffectiveDepth)),
                StudyFormat.Pct(e0), StudyFormat.Pct(eL), OnsetCell(TaylorSide.NearestInput), OnsetCell(TaylorSide.NearestOutput));
        }
        var seeds = searches.SelectMany(s => s.BestRuns.Select(r => (Search: s, Run: r))).ToList();
        output.Set("networks", seeds.Select(x => new
        {
            architecture = x.Search.Architecture, optimizer = x.Search.Optimizer, cell = x.Run.Id, seed = x.Run.Seed,
            blocks = x.Run.Blocks, truncation_effective_depth = x.Run.Final?.TruncationEffectiveDepth,
            effective_depth = x.Run.Final?.EffectiveDepth, onset_input_side = TaylorNet.Onset(x.Run.TaylorFrom(TaylorSide.NearestInput)),
            onset_output_side = TaylorNet.Onset(x.Run.TaylorFrom(TaylorSide.NearestOutput)),
            points_input_side = x.Run.TaylorFrom(TaylorSide.NearestInput), points_output_side = x.Run.TaylorFrom(TaylorSide.NearestOutput),
        }).ToList());
        output.AddCsv("taylor-onset", ["architecture", "optimizer", "cell", "seed", "blocks", "truncation_effective_depth",
            "effective_depth", "onset_input_side", "onset_output_side"],
            seeds.Where(x => x.Run.Taylor.Count > 0).Select(x => new object?[]
            {
                x.Search.Architecture, Optimizer<float>.KindName(x.Search.Optimizer), x.Run.Id, x.Run.Seed, x.Run.Blocks,
                x.Run.Final?.TruncationEffectiveDepth, x.Run.Final?.EffectiveDepth,
                TaylorNet.Onset(x.Run.TaylorFrom(TaylorSide.NearestInput)), TaylorNet.Onset(x.Run.TaylorFrom(TaylorSide.NearestOutput)),
            }));
        output.AddCsv("taylor", ["architecture", "optimizer", "cell", "seed", "side", "replaced", "train_error"],
            seeds.SelectMany(x => Sides.SelectMany(side => x.Run.TaylorFrom(side).Select(t => new object?[]
            {
                x.Search.Architecture, Optimizer<float>.KindName(x.Search.Optimizer), x.Run.Id, x.Run.Seed, SideTag(side), t.Replaced,
                t.Error,
            }))));
        return output;
    }
}
