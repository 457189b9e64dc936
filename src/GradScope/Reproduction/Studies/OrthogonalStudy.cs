using GradScope.Reporting;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Study 5: Gaussian, orthogonal and looks-linear initial states (and ResNets) side by side.</summary>
internal static class OrthogonalStudy
{
    /// <summary>An architecture's initial state (means over the seeds) and its Adam search.</summary>
    public sealed record Row(string Architecture, InitSummary? Init, SearchResult Search)
    {
        public GradientFit? NoiseFit => Init?.NoiseFit;
        public SeedSpread? TrainError => Search.Spread(r => r.TrainError);
        public SeedSpread? TestError => Search.Spread(r => r.TestError);
        public SeedSpread? EffectiveDepth => Search.Spread(r => r.Final?.TruncationEffectiveDepth);
        public SeedSpread? SpecEffectiveDepth => Search.Spread(r => r.Final?.EffectiveDepth);
    }

    public static IReadOnlyList<Row> Rows(SweepResults results) =>
        [.. results.ArchitecturesOf(StudyIds.Orthogonal).Select(arch => new Row(arch, InitSummary.Of(results, StudyIds.Orthogonal, arch),
            results.Search(StudyIds.Orthogonal, arch, OptimizerKind.Adam)))];

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Orthogonal, "Orthogonal initial state");
        section.AddIntro("Gaussian (`-gauss`), Haar-orthogonal (`-orth`) and looks-linear (`-ll`) initialisations and a ResNet, " +
            "measured at initialisation at every seed and trained with Adam (best learning rate of the grid). A looks-linear ReLU " +
            "network is exactly an orthogonal linear map at initialisation, so its GSC profile is flat (r = 1).");
        var output = new StudyOutput(StudyIds.Orthogonal, section);
        StudyText.NoteMissing(output, results, StudyIds.Orthogonal);
        var rows = Rows(results);

        var gsc = new PlotSpec("orth-gsc", "GSC(k, 0) at initialisation (Gaussian noise)")
        {
            XLabel = "k (linear layers)", YLabel = "GSC(k, 0)", YScale = AxisScale.Log10,
        };
        var err = new PlotSpec("orth-error", "Training error against epochs (Adam, best learning rate)")
        {
            XLabel = "epoch", YLabel = "training error", XIntegers = true,
        };
        foreach (string arch in results.ArchitecturesOf(StudyIds.Orthogonal))
        {
            SeedCurves.AddMean(gsc, arch, results.InitsOf(StudyIds.Orthogonal, arch, InitCellSpec.Noise)
                .Select(r => r.Measurements.Gsc.Profile.Select(p => ((double)p.LinearLayers, p.Value))));
            SeedCurves.AddMean(err, arch, results.Search(StudyIds.Orthogonal, arch, OptimizerKind.Adam).BestRuns
                .Select(r => r.History.Where(e => e.Epoch > 0 && e.TrainError is not null)
                    .Select(e => ((double)e.Epoch, e.TrainError!.Value))));
        }
        gsc.AddReferenceLine(1, "GSC = 1");
        section.AddFigure(gsc, $"Initial GSC profiles side by side ({SeedCurves.Caption}).");
        section.AddFigure(err, $"Training curves of the same architectures at the best learning rate ({SeedCurves.Caption}).");

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("r (noise)"), TableColumn.Numeric("r^L"),
            TableColumn.Numeric("sign div. (out)"), TableColumn.Numeric("best lr"), TableColumn.Numeric("train error"),
            TableColumn.Numeric("test error"), TableColumn.Numeric("effective depth"))
            .WithCaption("Initial state: means over the seeds (range of r in brackets); sign diversity of the nonlinearity nearest " +
                "the output, on data. Errors and effective depth (gradient truncation): mean over seeds at the best Adam learning " +
                "rate, range in brackets.");
        foreach (var r in rows)
            table.AddRow(r.Architecture, StudyFormat.Num(r.Init?.NoiseRate, 4), StudyText.Growth(r.NoiseFit),
                StudyText.Num(r.Init?.SignOut),
                StudyFormat.BestRate(r.Search), StudyFormat.Pct(r.TrainError), StudyFormat.Pct(r.TestError),
                StudyFormat.Num(r.EffectiveDepth));
        output.Set("architectures", rows.Select(r => new
        {
            architecture = r.Architecture, linear_layers = r.Init?.LinearLayers, seeds_init = r.Init?.Seeds,
            gsc_rate_noise = r.NoiseFit?.Rate, gsc_r2_noise = r.NoiseFit?.R2, growth_noise = r.NoiseFit?.Growth,
            gsc_rate_noise_spread = r.Init?.NoiseRate, seed_verdicts_noise = r.NoiseFit?.SeedVerdicts,
            sign_diversity_output_side = r.Init?.SignOut, best_learning_rate = r.Search.BestLearningRate,
            grid_position = StudyFormat.PositionName(r.Search.Position), train_error = r.TrainError, test_error = r.TestError,
            truncation_effective_depth = r.EffectiveDepth, effective_depth = r.SpecEffectiveDepth, cell = r.Search.Best?.Id,
        }).ToList());
        output.AddCsv("orthogonal", ["architecture", "linear_layers", "seeds_init", "gsc_rate_noise", "gsc_r2_noise", "growth_noise",
            "gsc_rate_noise_min", "gsc_rate_noise_max", "verdict_noise", "sign_diversity_output_side", "best_learning_rate",
            "grid_position", "seeds", "train_error_mean", "train_error_min", "train_error_max", "test_error_mean",
            "truncation_effective_depth_mean", "effective_depth_mean", "cell"],
            rows.Select(r => new object?[]
            {
                r.Architecture, r.Init?.LinearLayers, r.Init?.Seeds, r.NoiseFit?.Rate, r.NoiseFit?.R2, r.NoiseFit?.Growth,
                r.Init?.NoiseRate?.Min, r.Init?.NoiseRate?.Max, r.NoiseFit?.Verdict, r.Init?.SignOut, r.Search.BestLearningRate,
                StudyFormat.PositionName(r.Search.Position), r.Search.Seeds, r.TrainError?.Mean, r.TrainError?.Min,
                r.TrainError?.Max, r.TestError?.Mean, r.EffectiveDepth?.Mean, r.SpecEffectiveDepth?.Mean, r.Search.Best?.Id,
            }));
        return output;
    }
}
