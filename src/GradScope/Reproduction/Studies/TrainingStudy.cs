using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// Study 2 (paper Fig. 1 D): every architecture trained with each optimiser of the preset, each with a learning-rate search
/// over seeds.
/// </summary>
internal static class TrainingStudy
{
    public static IReadOnlyList<OptimizerKind> Optimizers(SweepResults results) =>
        [.. results.Preset.LearningRates.Where(g => g.Rates.Count > 0).Select(g => g.Optimizer).Distinct()];

    public static IEnumerable<SearchResult> Searches(SweepResults results) =>
        from arch in results.ArchitecturesOf(StudyIds.Training)
        from opt in Optimizers(results)
        select results.Search(StudyIds.Training, arch, opt);

    private static string Grid(LearningRateGrid g) => $"{Optimizer<float>.KindName(g.Optimizer)}: " +
        string.Join(", ", g.Rates.Select(r => StudyText.F(r))) + (g.Architectures is { } a ? $" on {string.Join(", ", a)}" : "");

    public static StudyOutput Build(SweepResults results)
    {
        var p = results.Preset;
        var section = new ReportSection(StudyIds.Training, "Training: error, GSC and effective depth");
        section.AddIntro($"Every architecture trained for {p.Epochs} epochs (batch {p.BatchSize}, " +
            $"{(p.TrainSubset is int n ? $"{n:N0} training examples" : "full training set")}, {p.Seeds.Count} seed(s)) with each " +
            $"optimiser over a learning-rate grid ({string.Join("; ", p.LearningRates.Select(Grid))}); " +
            "the best rate is the one with the lowest mean final training error over the seeds. **Effective depth** counts how " +
            "many learned residual functions a significant gradient path passes through (0 at initialisation); it is measured by " +
            "gradient truncation, the SPEC's λ-share beside it (docs/faithfulness.md §4).");
        var output = new StudyOutput(StudyIds.Training, section);
        StudyText.NoteMissing(output, results, StudyIds.Training);
        var searches = Searches(results).ToList();

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Text("Optimiser"), TableColumn.Numeric("best lr"),
            TableColumn.Numeric("train error"), TableColumn.Numeric("test error"), TableColumn.Numeric("r at init"),
            TableColumn.Numeric("r at end"), TableColumn.Numeric("effective depth"), TableColumn.Numeric("SPEC λ-share"),
            TableColumn.Text("runs"))
            .WithCaption("Best learning rate of each search (lowest mean final training error over the seeds, among rates where no " +
                "seed diverged); a best rate at the edge of its grid is flagged, since the optimum may lie beyond it. Errors, rates " +
                "and effective depths are means over the seeds with their range in brackets; r is the fitted GSC rate per linear " +
                "layer. Effective depth by gradient truncation, the SPEC's λ-share beside it. Runs counts finished / planned runs " +
                "over all rates and seeds, and diverged ones.");
        foreach (var s in searches)
        {
            var b = s.Best;
            string runText = $"{s.Runs.Count}/{s.Planned}" + (s.Diverged > 0 ? $", {s.Diverged} diverged" : "");
            table.AddRow(s.Architecture, Optimizer<float>.KindName(s.Optimizer), StudyFormat.BestRate(s),
                StudyFormat.Pct(s.Spread(r => r.TrainError)), StudyFormat.Pct(s.Spread(r => r.TestError)),
                StudyFormat.Num(s.Spread(r => r.Initial?.GscRate), 4), StudyFormat.Num(s.Spread(r => r.Final?.GscRate), 4),
                StudyFormat.Num(s.Spread(r => r.Final?.TruncationEffectiveDepth)), StudyFormat.Num(s.Spread(r => r.Final?.EffectiveDepth)),
                new TableCell(runText, s.Missing > 0 ? CellStatus.Missing : s.Diverged > 0 ? CellStatus.Warn : CellStatus.None));
        }

        foreach (var opt in Optimizers(results))
        {
            string name = Optimizer<float>.KindName(opt);
            var best = searches.Where(s => s.Optimizer == opt && s.Best is not null).ToList();
            var err = new PlotSpec($"training-error-{name}", $"Training error against epochs ({name}, best learning rate)")
            {
                XLabel = "epoch", YLabel = "training error", XIntegers = true,
            };
            var eff = new PlotSpec($"training-effdepth-{name}", $"Effective depth against epochs ({name})")
            {
                XLabel = "epoch", YLabel = "effective depth / blocks", XIntegers = true,
            };
            // Rates sit within a few percent of 1, so a linear axis: on a log axis from 0.1 to 10 they would be one flat line.
            var gsc = new PlotSpec($"training-gsc-{name}", $"GSC rate r against epochs ({name})")
            {
                XLabel = "epoch", YLabel = "GSC rate r per linear layer", XIntegers = true,
            };
            foreach (var s in best)
            {
                var seeds = s.BestRuns;
                SeedCurves.AddMean(err, s.Architecture, seeds.Select(r => r.History.Where(e => e.Epoch > 0 && e.TrainError is not null)
                    .Select(e => ((double)e.Epoch, e.TrainError!.Value))));
                SeedCurves.AddMean(eff, s.Architecture, seeds.Select(r => r.History.Where(e => e.TruncationEffectiveDepth is not null)
                    .Select(e => ((double)e.Epoch, e.TruncationEffectiveDepth!.Value / r.Blocks))));
                SeedCurves.AddMean(gsc, s.Architecture, seeds.Select(r => r.History.Where(e => e.GscRate is not null)
                    .Select(e => ((double)e.Epoch, e.GscRate!.Value))));
            }
            gsc.AddReferenceLine(1, "r = 1");
            section.AddFigure(err, $"Paper Fig. 1D (top). Training error measured after each epoch in evaluation mode, best {name} " +
                $"learning rate per architecture, {SeedCurves.Caption}.");
            section.AddFigure(eff, "Paper Fig. 1D (bottom). Effective depth by gradient truncation at τ = " + StudyText.F(p.Tau) +
                " as a fraction of the blocks (a 50-layer ResNet has 26 blocks, an MLP 50), measured on the diagnostics batch; " +
                $"best learning rate, {SeedCurves.Caption}.");
            section.AddFigure(gsc, "Fitted GSC rate per linear layer during training at the best learning rate " +
                $"({SeedCurves.Caption}); r > 1 is an exploding gradient.");
        }

        output.Set("searches", searches.Select(s => new
        {
            architecture = s.Architecture,
            optimizer = s.Optimizer,
            planned = s.Planned,
            finished = s.Runs.Count,
            diverged = s.Diverged,
            best_cell = s.Best?.Id,
            best_learning_rate = s.BestLearningRate,
            grid_position = StudyFormat.PositionName(s.Position),
            seeds = s.Seeds,
            train_error_spread = s.Spread(r => r.TrainError),
            effective_depth_spread = s.Spread(r => r.Final?.EffectiveDepth),
            truncation_effective_depth_spread = s.Spread(r => r.Final?.TruncationEffectiveDepth),
            train_error = s.Best?.TrainError,
            train_error_running = s.Best?.TrainErrorRunning,
            test_error = s.Best?.TestError,
            gsc_rate_init = s.Best?.Initial?.GscRate,
            gsc_rate_end = s.Best?.Final?.GscRate,
            effective_depth = s.Best?.Final?.EffectiveDepth,
            truncation_effective_depth = s.Best?.Final?.TruncationEffectiveDepth,
            lambda_profile = s.Best?.Final?.LambdaProfile,
            history = s.Best?.History,
        }).ToList());
        var runs = searches.SelectMany(s => s.Runs).ToList();
        output.Set("runs", runs.Select(r => new
        {
            cell = r.Id, architecture = r.Architecture.Name, optimizer = r.Optimizer, learning_rate = r.LearningRate, seed = r.Seed,
            status = r.Status, epochs_completed = r.EpochsCompleted, train_error = r.TrainError, test_error = r.TestError,
            gsc_rate_init = r.Initial?.GscRate, gsc_rate_end = r.Final?.GscRate, effective_depth = r.Final?.EffectiveDepth,
            truncation_effective_depth = r.Final?.TruncationEffectiveDepth,
        }).ToList());
        output.AddCsv("training", ["architecture", "optimizer", "best_learning_rate", "grid_position", "seeds", "train_error_mean",
            "train_error_min", "train_error_max", "train_error_running", "test_error_mean", "gsc_rate_init", "gsc_r2_init",
            "gsc_rate_end", "gsc_r2_end", "linear_layers", "blocks", "effective_depth_mean", "effective_depth_min",
            "effective_depth_max", "truncation_effective_depth_mean", "truncation_effective_depth_min",
            "truncation_effective_depth_max", "finished", "planned", "diverged"],
            searches.Select(s =>
            {
                SeedSpread? err = s.Spread(r => r.TrainError), depth = s.Spread(r => r.Final?.EffectiveDepth),
                    truncation = s.Spread(r => r.Final?.TruncationEffectiveDepth);
                var b = s.Best;
                double? Mean(Func<TrainCellResult, double?> value) => s.Spread(value)?.Mean;
                return new object?[]
                {
                    s.Architecture, Optimizer<float>.KindName(s.Optimizer), s.BestLearningRate, StudyFormat.PositionName(s.Position),
                    s.Seeds, err?.Mean, err?.Min, err?.Max, b?.TrainErrorRunning, Mean(r => r.TestError), Mean(r => r.Initial?.GscRate),
                    Mean(r => r.Initial?.Gsc.R2), Mean(r => r.Final?.GscRate), Mean(r => r.Final?.Gsc.R2), b?.LinearLayers, b?.Blocks,
                    depth?.Mean, depth?.Min, depth?.Max, truncation?.Mean, truncation?.Min, truncation?.Max, s.Runs.Count, s.Planned,
                    s.Diverged,
                };
            }));
        output.AddCsv("training-runs", ["cell", "architecture", "optimizer", "learning_rate", "seed", "status", "epochs_completed",
            "train_error", "test_error", "gsc_rate_init", "gsc_rate_end", "effective_depth", "truncation_effective_depth"],
            runs.Select(r => new object?[]
            {
                r.Id, r.Architecture.Name, Optimizer<float>.KindName(r.Optimizer), r.LearningRate, r.Seed, r.Status, r.EpochsCompleted,
                r.TrainError, r.TestError, r.Initial?.GscRate, r.Final?.GscRate, r.Final?.EffectiveDepth,
                r.Final?.TruncationEffectiveDepth,
            }));
        output.AddCsv("training-curves", ["cell", "architecture", "optimizer", "learning_rate", "epoch", "train_loss", "train_error",
            "train_error_running", "test_error", "gsc_rate", "effective_depth", "truncation_effective_depth"],
            runs.SelectMany(r => r.History.Select(e => new object?[]
            {
                r.Id, r.Architecture.Name, Optimizer<float>.KindName(r.Optimizer), r.LearningRate, e.Epoch, e.TrainLoss, e.TrainError,
                e.TrainErrorRunning, e.TestError, e.GscRate, e.EffectiveDepth, e.TruncationEffectiveDepth,
            })));
        return output;
    }
}
