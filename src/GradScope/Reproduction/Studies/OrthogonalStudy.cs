using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 5: Gaussian, orthogonal and looks-linear initial states (and ResNets) side by side.</summary>
internal static class OrthogonalStudy
{
    public sealed record Row(string Architecture, int LinearLayers, double? GscRateNoise, double? GscR2Noise, double? GrowthNoise,
        double? SignDiversityOut, SearchResult Search)
    {
        public SeedSpread? TrainError => Search.Spread(r => r.TrainError);
        public SeedSpread? TestError => Search.Spread(r => r.TestError);
        public SeedSpread? EffectiveDepth => Search.Spread(r => r.Final?.EffectiveDepth);
    }

    public static IReadOnlyList<Row> Rows(SweepResults results) =>
        [.. results.ArchitecturesOf(StudyIds.Orthogonal).Select(arch =>
        {
            var init = results.InitOf(StudyIds.Orthogonal, arch, InitCellSpec.Noise).Result;
            var data = results.InitOf(StudyIds.Orthogonal, arch, InitCellSpec.Data).Result;
            var s = results.Search(StudyIds.Orthogonal, arch, OptimizerKind.Adam);
            int layers = init?.LinearLayers ?? data?.LinearLayers ?? results.Preset.Sizes.LinearLayers;
            return new Row(arch, layers, init?.Measurements.GscRate, init?.Measurements.Gsc.R2, init?.Measurements.Growth(layers),
                StudyText.Ends(data?.Measurements).Output?.SignDiversity, s);
        })];

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Orthogonal, "Orthogonal initial state");
        section.AddIntro("Gaussian (`-gauss`), Haar-orthogonal (`-orth`) and looks-linear (`-ll`) initialisations and a ResNet, measured " +
            "at " +
            "initialisation and trained with Adam (best learning rate of the grid). A looks-linear ReLU network is exactly an orthogonal " +
                "linear map at " +
            "initialisation, so its GSC profile is flat (r = 1).");
        var output = new StudyOutput(StudyIds.Orthogonal, section);
        StudyText.NoteMissing(output, results, StudyIds.Orthogonal);
        var rows = Rows(results);

        var gsc = new PlotSpec("orth-gsc", "GSC(k, 0) at initialisation (Gaussian noise)") { XLabel = "k (linear " +
            "layers)", YLabel = "GSC(k, 0)", YScale = AxisScale.Log10 };
        var err = new PlotSpec("orth-error", "Training error against epochs (Adam, best learning rate)")
        {
            XLabel = "epoch", YLabel = "training error", XIntegers = true,
        };
        foreach (string arch in results.ArchitecturesOf(StudyIds.Orthogonal))
        {
            if (results.InitOf(StudyIds.Orthogonal, arch, InitCellSpec.Noise).Result?.Measurements.Gsc.Profile is { Count: > 0 } profile)
                gsc.AddSeries(arch, profile.Select(p => ((double)p.LinearLayers, p.Value)));
            if (results.Search(StudyIds.Orthogonal, arch, OptimizerKind.Adam).Best is { } best)
                err.AddSeries(arch, best.History.Where(e => e.Epoch > 0 && e.TrainError is not null).Select(e => ((double)e.Epoch,
                    e.TrainError!.Value)));
        }
        gsc.AddReferenceLine(1, "GSC = 1");
        section.AddFigure(gsc, "Initial GSC profiles side by side.");
        section.AddFigure(err, "Training curves of the same architectures.");

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("r " +
            "(noise)"), TableColumn.Numeric("r^L"), TableColumn.Numeric("sign div. (out)"),
            TableColumn.Numeric("best lr"), TableColumn.Numeric("train error"), TableColumn.Numeric("test " +
                "error"), TableColumn.Numeric("effective depth"))
            .WithCaption("Sign diversity of the nonlinearity nearest the output, at initialisation on data. Errors and effective depth: " +
                "mean over " +
                "seeds at the best Adam learning rate, range in brackets.");
        foreach (var r in rows)
            table.AddRow(r.Architecture, StudyText.Num(r.GscRateNoise, 4), StudyText.Growth(results.InitOf(StudyIds.Orthogonal,
                r.Architecture, InitCellSpec.Noise).Result), StudyText.Num(r.SignDiversityOut),
                StudyFormat.BestRate(r.Search), StudyFormat.Pct(r.TrainError), StudyFormat.Pct(r.TestError),
                    StudyFormat.Num(r.EffectiveDepth));
        output.Set("architectures", rows.Select(r => new
        {
            architecture = r.Architecture, linear_layers = r.LinearLayers, gsc_rate_noise = r.GscRateNoise, gsc_r2_noise = r.GscR2Noise,
            growth_noise = r.GrowthNoise, sign_diversity_output_side = r.SignDiversityOut, best_learning_rate = r.Search.BestLearningRate,
            grid_position = StudyFormat.PositionName(r.Search.Position), train_error = r.TrainError, test_error = r.TestError,
            effective_depth = r.EffectiveDepth, cell = r.Search.Best?.Id,
        }).ToList());
        output.AddCsv("orthogonal", ["architecture", "linear_layers", "gsc_rate_noise", "gsc_r2_noise", "growth_noise",
            "sign_diversity_output_side",
            "best_learning_rate", "grid_position", "seeds", "train_error_mean", "train_error_min", "train_error_max", "test_error_mean",
            "effective_depth_mean", "cell"],
            rows.Select(r => new object?[]
            {
                r.Architecture, r.LinearLayers, r.GscRateNoise, r.GscR2Noise, r.GrowthNoise, r.SignDiversityOut, r.Search.BestLearningRate,
                StudyFormat.PositionName(r.Search.Position), r.Search.Seeds, r.TrainError?.Mean, r.TrainError?.Min, r.TrainError?.Max,
                r.TestError?.Mean, r.EffectiveDepth?.Mean, r.Search.Best?.Id,
            }));
        return output;
    }
}
