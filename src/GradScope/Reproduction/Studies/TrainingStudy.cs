using GradScope.Diagnostics;
using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 2 (paper Fig. 1 D): every architecture trained with SGD and Adam, each with a learning-rate search.</summary>
internal static class TrainingStudy
{
    public static IReadOnlyList<OptimizerKind> Optimizers(SweepResults results) =>
        [.. results.Preset.LearningRates.Where(g => g.Rates.Count > 0).Select(g => g.Optimizer)];

    public static IEnumerable<SearchResult> Searches(SweepResults results) =>
        from arch in results.ArchitecturesOf(StudyIds.Training)
        from opt in Optimizers(results)
        select results.Search(StudyIds.Training, arch, opt);

    public static StudyOutput Build(SweepResults results)
    {
        var p = results.Preset;
        var section = new ReportSection(StudyIds.Training, "Training: error, GSC and effective depth");
        section.AddIntro($"Every architecture trained for {p.Epochs} epochs (batch {p.BatchSize}, " +
            $"{(p.TrainSubset is int n ? $"{n:N0} training examples" : "full training set")}) with each optimiser over a learning-rate grid " +
            $"({string.Join("; ", p.LearningRates.Select(g => $"{Optimizer<float>.KindName(g.Optimizer)}: {string.Join(", ", g.Rates.Select(r => StudyText.F(r)))}"))}); " +
            "the best rate is the one with the lowest final training error. **Effective depth** counts how many learned residual functions a significant gradient path passes through (0 at initialisation).");
        var output = new StudyOutput(StudyIds.Training, section);
        StudyText.NoteMissing(output, results, StudyIds.Training);
        var searches = Searches(results).ToList();

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Text("Optimiser"), TableColumn.Numeric("best lr"),
            TableColumn.Numeric("train error"), TableColumn.Numeric("test error"), TableColumn.Numeric("r at init"), TableColumn.Numeric("r at end"),
            TableColumn.Numeric("effective depth"), TableColumn.Text("runs"))
            .WithCaption("Best run of each learning-rate search. r is the fitted GSC rate per linear layer on the diagnostics batch; runs counts finished / planned runs and diverged ones.");
        foreach (var s in searches)
        {
            var b = s.Best;
            string runText = $"{s.Runs.Count}/{s.Planned}" + (s.Diverged > 0 ? $", {s.Diverged} diverged" : "");
            table.AddRow(s.Architecture, Optimizer<float>.KindName(s.Optimizer),
                b is null ? TableCell.Missing(s.Runs.Count > 0 && s.Diverged == s.Runs.Count ? "all diverged" : StudyText.MissingText) : TableCell.Number(b.LearningRate),
                StudyText.Pct(b?.TrainError), StudyText.Pct(b?.TestError), StudyText.Num(b?.Initial?.GscRate, 4), StudyText.Num(b?.Final?.GscRate, 4),
                StudyText.Num(b?.Final?.EffectiveDepth), new TableCell(runText, s.Missing > 0 ? CellStatus.Missing : s.Diverged > 0 ? CellStatus.Warn : CellStatus.None));
        }

        foreach (var opt in Optimizers(results))
        {
            string name = Optimizer<float>.KindName(opt);
            var best = searches.Where(s => s.Optimizer == opt && s.Best is not null).ToList();
            var err = new PlotSpec($"training-error-{name}", $"Training error against epochs ({name}, best learning rate)") { XLabel = "epoch", YLabel = "training error" };
            var eff = new PlotSpec($"training-effdepth-{name}", $"Effective depth against epochs ({name})") { XLabel = "epoch", YLabel = "effective depth" };
            var gsc = new PlotSpec($"training-gsc-{name}", $"GSC rate r against epochs ({name})") { XLabel = "epoch", YLabel = "GSC rate r per linear layer", YScale = AxisScale.Log10 };
            foreach (var s in best)
            {
                var h = s.Best!.History;
                err.AddSeries(s.Architecture, h.Where(e => e.Epoch > 0 && e.TrainError is not null).Select(e => ((double)e.Epoch, e.TrainError!.Value)));
                eff.AddSeries(s.Architecture, h.Where(e => e.EffectiveDepth is not null).Select(e => ((double)e.Epoch, e.EffectiveDepth!.Value)));
                gsc.AddSeries(s.Architecture, h.Where(e => e.GscRate is not null).Select(e => ((double)e.Epoch, e.GscRate!.Value)));
            }
            gsc.AddReferenceLine(1, "r = 1");
            section.AddFigure(err, $"Paper Fig. 1D (top). Training error measured after each epoch in evaluation mode, best {name} learning rate per architecture.");
            section.AddFigure(eff, "Paper Fig. 1D (bottom). Effective depth at τ = " + StudyText.F(p.Tau) + ", measured on the diagnostics batch.");
            section.AddFigure(gsc, "Fitted GSC rate per linear layer during training; r > 1 is an exploding gradient.");
        }

        output.Set("searches", searches.Select(s => new
        {
            architecture = s.Architecture,
            optimizer = s.Optimizer,
            planned = s.Planned,
            finished = s.Runs.Count,
            diverged = s.Diverged,
            best_cell = s.Best?.Id,
            best_learning_rate = s.Best?.LearningRate,
            train_error = s.Best?.TrainError,
            train_error_running = s.Best?.TrainErrorRunning,
            test_error = s.Best?.TestError,
            gsc_rate_init = s.Best?.Initial?.GscRate,
            gsc_rate_end = s.Best?.Final?.GscRate,
            effective_depth = s.Best?.Final?.EffectiveDepth,
            lambda_profile = s.Best?.Final?.LambdaProfile,
            history = s.Best?.History,
        }).ToList());
        var runs = searches.SelectMany(s => s.Runs).ToList();
        output.Set("runs", runs.Select(r => new
        {
            cell = r.Id, architecture = r.Architecture.Name, optimizer = r.Optimizer, learning_rate = r.LearningRate, seed = r.Seed, status = r.Status,
            epochs_completed = r.EpochsCompleted, train_error = r.TrainError, test_error = r.TestError,
            gsc_rate_init = r.Initial?.GscRate, gsc_rate_end = r.Final?.GscRate, effective_depth = r.Final?.EffectiveDepth,
        }).ToList());
        output.AddCsv("training", ["architecture", "optimizer", "best_learning_rate", "train_error", "train_error_running", "test_error", "gsc_rate_init", "gsc_rate_end", "effective_depth", "finished", "planned", "diverged"],
            searches.Select(s => new object?[] { s.Architecture, Optimizer<float>.KindName(s.Optimizer), s.Best?.LearningRate, s.Best?.TrainError, s.Best?.TrainErrorRunning, s.Best?.TestError,
                s.Best?.Initial?.GscRate, s.Best?.Final?.GscRate, s.Best?.Final?.EffectiveDepth, s.Runs.Count, s.Planned, s.Diverged }));
        output.AddCsv("training-runs", ["cell", "architecture", "optimizer", "learning_rate", "seed", "status", "epochs_completed", "train_error", "test_error", "gsc_rate_init", "gsc_rate_end", "effective_depth"],
            runs.Select(r => new object?[] { r.Id, r.Architecture.Name, Optimizer<float>.KindName(r.Optimizer), r.LearningRate, r.Seed, r.Status.Name(), r.EpochsCompleted, r.TrainError, r.TestError, r.Initial?.GscRate, r.Final?.GscRate, r.Final?.EffectiveDepth }));
        output.AddCsv("training-curves", ["cell", "architecture", "optimizer", "learning_rate", "epoch", "train_loss", "train_error", "train_error_running", "test_error", "gsc_rate", "effective_depth"],
            runs.SelectMany(r => r.History.Select(e => new object?[] { r.Id, r.Architecture.Name, Optimizer<float>.KindName(r.Optimizer), r.LearningRate, e.Epoch, e.TrainLoss, e.TrainError, e.TrainErrorRunning, e.TestError, e.GscRate, e.EffectiveDepth })));
        return output;
    }
}

/// <summary>Study 3 (paper Fig. 1 F): the Taylor experiment on the best trained networks.</summary>
internal static class TaylorStudy
{
    /// <summary>Smallest m whose error exceeds the unmodified network's by 5 percentage points (null when none does).</summary>
    public static int? Tolerance(IReadOnlyList<TaylorPoint> points)
    {
        var baseline = points.FirstOrDefault(p => p.Replaced == 0);
        if (baseline is null) return null;
        return points.Where(p => p.Error > baseline.Error + 0.05).Select(p => (int?)p.Replaced).Min();
    }

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Taylor, "Compositional-depth reduction (Taylor experiment)");
        section.AddIntro("The trained networks of study 2 (best learning rate) with their m blocks nearest the input replaced by the first-order " +
            "expansion in the residual functions around the initial functions, without retraining. A network whose effective depth is small " +
            "keeps its accuracy for many replaced blocks; m = 0 is the unmodified network.");
        var output = new StudyOutput(StudyIds.Taylor, section);
        StudyText.NoteMissing(output, results, StudyIds.Training);
        var searches = TrainingStudy.Searches(results).ToList();
        foreach (var opt in TrainingStudy.Optimizers(results))
        {
            string name = Optimizer<float>.KindName(opt);
            var plot = new PlotSpec($"taylor-{name}", $"Training error against replaced blocks ({name})") { XLabel = "m (blocks replaced by their first-order expansion)", YLabel = "training error" };
            foreach (var s in searches.Where(s => s.Optimizer == opt && s.Best is { Taylor.Count: > 0 }))
                plot.AddSeries(s.Architecture, s.Best!.Taylor.Select(t => ((double)t.Replaced, t.Error)));
            section.AddFigure(plot, $"Paper Fig. 1F. Evaluated on {results.Preset.TaylorExamples:N0} training examples.");
        }
        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Text("Optimiser"), TableColumn.Numeric("blocks L"),
            TableColumn.Numeric("effective depth"), TableColumn.Numeric("error, m = 0"), TableColumn.Numeric("error, m = L"), TableColumn.Numeric("first m with +5 pt"))
            .WithCaption("Blocks are counted as in the diagnostics (a residual unit is one block).");
        var json = new List<object>();
        foreach (var s in searches)
        {
            var b = s.Best;
            var pts = b?.Taylor ?? [];
            double? e0 = pts.FirstOrDefault(t => t.Replaced == 0)?.Error;
            double? eL = pts.Count > 0 ? pts.MaxBy(t => t.Replaced)!.Error : null;
            int? tol = pts.Count > 0 ? Tolerance(pts) : null;
            table.AddRow(s.Architecture, Optimizer<float>.KindName(s.Optimizer), b is null ? TableCell.Missing(StudyText.MissingText) : TableCell.Integer(b.Blocks),
                StudyText.Num(b?.Final?.EffectiveDepth), StudyText.Pct(e0), StudyText.Pct(eL),
                pts.Count == 0 ? TableCell.Missing(StudyText.MissingText) : tol is int t ? TableCell.Integer(t) : new TableCell("none"));
            json.Add(new { architecture = s.Architecture, optimizer = s.Optimizer, cell = b?.Id, blocks = b?.Blocks, effective_depth = b?.Final?.EffectiveDepth, tolerance = tol, points = pts });
        }
        output.Set("networks", json);
        output.AddCsv("taylor", ["architecture", "optimizer", "cell", "replaced", "train_error"],
            searches.Where(s => s.Best is not null).SelectMany(s => s.Best!.Taylor.Select(t => new object?[] { s.Architecture, Optimizer<float>.KindName(s.Optimizer), s.Best.Id, t.Replaced, t.Error })));
        return output;
    }
}
