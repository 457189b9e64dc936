using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 5: Gaussian, orthogonal and looks-linear initial states (and ResNets) side by side.</summary>
internal static class OrthogonalStudy
{
    public sealed record Row(string Architecture, double? GscRateNoise, double? GrowthNoise, double? SignDiversityOut, double? BestLearningRate,
        double? TrainError, double? TestError, double? EffectiveDepth, string? Cell);

    public static IReadOnlyList<Row> Rows(SweepResults results) =>
        [.. results.ArchitecturesOf(StudyIds.Orthogonal).Select(arch =>
        {
            var init = results.InitOf(StudyIds.Orthogonal, arch, InitCellSpec.Noise).Result;
            var data = results.InitOf(StudyIds.Orthogonal, arch, InitCellSpec.Data).Result;
            var s = results.Search(StudyIds.Orthogonal, arch, OptimizerKind.Adam);
            return new Row(arch, init?.Measurements.GscRate, init?.Measurements.Growth(init.LinearLayers), StudyText.Ends(data?.Measurements).Output?.SignDiversity,
                s.Best?.LearningRate, s.Best?.TrainError, s.Best?.TestError, s.Best?.Final?.EffectiveDepth, s.Best?.Id);
        })];

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Orthogonal, "Orthogonal initial state");
        section.AddIntro("Gaussian (`-gauss`), Haar-orthogonal (`-orth`) and looks-linear (`-ll`) initialisations and a ResNet, measured at " +
            "initialisation and trained with Adam (best learning rate of the grid). A looks-linear ReLU network is exactly an orthogonal linear map at " +
            "initialisation, so its GSC profile is flat (r = 1).");
        var output = new StudyOutput(StudyIds.Orthogonal, section);
        StudyText.NoteMissing(output, results, StudyIds.Orthogonal);
        var rows = Rows(results);

        var gsc = new PlotSpec("orth-gsc", "GSC(k, 0) at initialisation (Gaussian noise)") { XLabel = "k (linear layers)", YLabel = "GSC(k, 0)", YScale = AxisScale.Log10 };
        var err = new PlotSpec("orth-error", "Training error against epochs (Adam, best learning rate)") { XLabel = "epoch", YLabel = "training error" };
        foreach (string arch in results.ArchitecturesOf(StudyIds.Orthogonal))
        {
            if (results.InitOf(StudyIds.Orthogonal, arch, InitCellSpec.Noise).Result?.Measurements.Gsc.Profile is { Count: > 0 } profile)
                gsc.AddSeries(arch, profile.Select(p => ((double)p.LinearLayers, p.Value)));
            if (results.Search(StudyIds.Orthogonal, arch, OptimizerKind.Adam).Best is { } best)
                err.AddSeries(arch, best.History.Where(e => e.Epoch > 0 && e.TrainError is not null).Select(e => ((double)e.Epoch, e.TrainError!.Value)));
        }
        gsc.AddReferenceLine(1, "GSC = 1");
        section.AddFigure(gsc, "Initial GSC profiles side by side.");
        section.AddFigure(err, "Training curves of the same architectures.");

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("r (noise)"), TableColumn.Numeric("r^L"), TableColumn.Numeric("sign div. (out)"),
            TableColumn.Numeric("best lr"), TableColumn.Numeric("train error"), TableColumn.Numeric("test error"), TableColumn.Numeric("effective depth"))
            .WithCaption("Sign diversity of the nonlinearity nearest the output, at initialisation on data.");
        foreach (var r in rows)
            table.AddRow(r.Architecture, StudyText.Num(r.GscRateNoise, 4), StudyText.Growth(r.GrowthNoise), StudyText.Num(r.SignDiversityOut), StudyText.Num(r.BestLearningRate),
                StudyText.Pct(r.TrainError), StudyText.Pct(r.TestError), StudyText.Num(r.EffectiveDepth));
        output.Set("architectures", rows);
        output.AddCsv("orthogonal", ["architecture", "gsc_rate_noise", "growth_noise", "sign_diversity_output_side", "best_learning_rate", "train_error", "test_error", "effective_depth", "cell"],
            rows.Select(r => new object?[] { r.Architecture, r.GscRateNoise, r.GrowthNoise, r.SignDiversityOut, r.BestLearningRate, r.TrainError, r.TestError, r.EffectiveDepth, r.Cell }));
        return output;
    }
}

/// <summary>Study 6: one parameter budget spent on several depths.</summary>
internal static class WidthDepthStudy
{
    public sealed record Row(string Architecture, int Depth, int Width, long Parameters, double? BestLearningRate, double? TrainError, double? TestError,
        double? EffectiveDepth, double? GscRateInit, string Status);

    public static IReadOnlyList<Row> Rows(SweepResults results)
    {
        var spec = results.Preset.WidthDepth;
        var rows = new List<Row>();
        foreach (var group in results.Plan.CellsOf<TrainCellSpec>(StudyIds.WidthDepth).Where(c => c.Seed == results.Seed)
                     .GroupBy(c => (c.Training.Architecture.Name, c.Training.Architecture.LinearLayers)))
        {
            var a = group.First().Training.Architecture;
            var s = results.Search(StudyIds.WidthDepth, a.Name, spec.Optimizer, c => c.Training.Architecture.LinearLayers == a.LinearLayers);
            string status = s.Best is not null ? RunStatus.Completed.Name()
                : s.Runs.Count > 0 && s.Diverged == s.Runs.Count ? RunStatus.Diverged.Name() : StudyText.MissingText;
            rows.Add(new Row(a.Name, a.LinearLayers, a.Width, a.TrainableParameters, s.Best?.LearningRate, s.Best?.TrainError, s.Best?.TestError,
                s.Best?.Final?.EffectiveDepth, s.Best?.Initial?.GscRate, status));
        }
        return rows;
    }

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.WidthDepth, "Width versus depth");
        var rows = Rows(results);
        section.AddIntro("A fixed parameter budget" + (rows.Count > 0 ? $" (≈ {rows.Max(r => r.Parameters):N0} trainable parameters)" : "") +
            " spent on networks of different depth, each with the largest width that keeps within the budget, trained with " +
            Optimizer<float>.KindName(results.Preset.WidthDepth.Optimizer) + ". The paper recommends width over depth: exploding gradients make deep narrow networks effectively shallow anyway.");
        var output = new StudyOutput(StudyIds.WidthDepth, section);
        StudyText.NoteMissing(output, results, StudyIds.WidthDepth);

        var err = new PlotSpec("width-depth-error", "Training error against depth at a fixed parameter budget") { XLabel = "depth (linear layers)", YLabel = "training error", XScale = AxisScale.Log10 };
        var eff = new PlotSpec("width-depth-effdepth", "Effective depth against depth at a fixed parameter budget") { XLabel = "depth (linear layers)", YLabel = "effective depth", XScale = AxisScale.Log10 };
        foreach (var group in rows.GroupBy(r => r.Architecture))
        {
            err.AddSeries(group.Key, group.Where(r => r.TrainError is not null).Select(r => ((double)r.Depth, r.TrainError!.Value)));
            eff.AddSeries(group.Key, group.Where(r => r.EffectiveDepth is not null).Select(r => ((double)r.Depth, r.EffectiveDepth!.Value)));
        }
        section.AddFigure(err, "Best learning rate per depth.");
        section.AddFigure(eff, "Effective depth of the same networks.");
        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("depth"), TableColumn.Numeric("width"), TableColumn.Numeric("parameters"),
            TableColumn.Numeric("best lr"), TableColumn.Numeric("train error"), TableColumn.Numeric("test error"), TableColumn.Numeric("effective depth"), TableColumn.Numeric("r at init"));
        foreach (var r in rows)
            table.AddRow(r.Architecture, TableCell.Integer(r.Depth), TableCell.Integer(r.Width), TableCell.Integer(r.Parameters),
                r.BestLearningRate is null ? TableCell.Missing(r.Status) : TableCell.Number(r.BestLearningRate), StudyText.Pct(r.TrainError), StudyText.Pct(r.TestError),
                StudyText.Num(r.EffectiveDepth), StudyText.Num(r.GscRateInit, 4));
        output.Set("networks", rows);
        output.AddCsv("width-depth", ["architecture", "depth", "width", "parameters", "best_learning_rate", "train_error", "test_error", "effective_depth", "gsc_rate_init", "status"],
            rows.Select(r => new object?[] { r.Architecture, r.Depth, r.Width, r.Parameters, r.BestLearningRate, r.TrainError, r.TestError, r.EffectiveDepth, r.GscRateInit, r.Status }));
        return output;
    }
}
