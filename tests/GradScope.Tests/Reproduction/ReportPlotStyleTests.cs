using GradScope.Reporting;
using GradScope.Reproduction;
using GradScope.Tests.Data;
using OxyPlot.Series;

namespace GradScope.Tests.Reproduction;

/// <summary>The plots of a built reproduction report: one colour per architecture, and every seed drawn.</summary>
public sealed class ReportPlotStyleTests
{
    [Fact]
    public void Built_report_gives_each_series_of_a_plot_its_own_colour_and_an_architecture_one_colour()
    {
        using var dir = new TempDirectory();
        TinySweep.Run(dir.Path, report: false);
        var (doc, _) = ReproductionReport.Build(dir.Path);
        var colourOf = new Dictionary<string, OxyPlot.OxyColor>(StringComparer.Ordinal);
        int plots = 0;
        foreach (var plot in doc.Sections.SelectMany(s => s.Blocks).OfType<FigureBlock>().Select(f => f.Plot))
        {
            var lines = PlotModelBuilder.Build(plot, PlotDataCleaner.Clean(plot)).Series.OfType<XYAxisSeries>()
                .Where(s => s.Title is not null && plot.Series.Any(p => p.Name == s.Title && p.Style != SeriesStyle.Dashed))
                .Select(s => (s.Title, Colour: s is LineSeries l ? l.Color : ((ScatterSeries)s).MarkerFill)).ToList();
            if (lines.Count < 2) continue;
            plots++;
            // Dashed predictions share their measurement's colour on purpose; every measured series has its own.
            Assert.True(lines.Select(l => l.Colour).Distinct().Count() == lines.Count, $"{plot.Id} repeats a colour");
            foreach (var (title, colour) in lines.Where(l => !l.Title.Contains(':', StringComparison.Ordinal)))
                Assert.True(colourOf.TryAdd(title, colour) || colourOf[title] == colour, $"{title} changes colour in {plot.Id}");
        }
        Assert.True(plots >= 10, $"only {plots} plots with several series");
        Assert.True(colourOf.Count >= 5);
    }

    [Fact]
    public void Training_curves_draw_the_seed_mean_with_the_seeds_range_as_a_band()
    {
        using var dir = new TempDirectory();
        var preset = Presets.Tiny with { Seeds = [1, 2], Epochs = 2, InitArchitectures = ["relu"], TrainArchitectures = ["relu"],
            Dilution = new DilutionSpec { ResidualWeights = [] }, OrthogonalArchitectures = [], WidthDepth = new WidthDepthSpec
            { Architectures = [] } };
        TinySweep.Run(dir.Path, preset: preset, report: false);
        var (doc, _) = ReproductionReport.Build(dir.Path);
        var plot = doc.Sections.SelectMany(s => s.Blocks).OfType<FigureBlock>().Select(f => f.Plot)
            .Single(p => p.Id == "training-error-adam");
        var series = Assert.Single(plot.Series);

        var results = new SweepResults(SweepRunner.ReadPlan(dir.Path), new CellStore(dir.Path));
        var runs = results.Search(StudyIds.Training, "relu", GradScope.Training.OptimizerKind.Adam).BestRuns;
        Assert.Equal(2, runs.Count);
        foreach (int epoch in new[] { 1, 2 })
        {
            double[] errors = [.. runs.Select(r => r.History.Single(e => e.Epoch == epoch).TrainError!.Value)];
            Assert.True(errors[0] != errors[1], "the two seeds should differ");
            Assert.Equal(errors.Average(), series.Points.Single(p => p.X == epoch).Y, 12);
            var band = series.Band.Single(b => b.X == epoch);
            Assert.Equal(errors.Min(), band.Low, 12);
            Assert.Equal(errors.Max(), band.High, 12);
        }
        // The init profile is a mean over both seeds too.
        var init = doc.Sections.SelectMany(s => s.Blocks).OfType<FigureBlock>().Select(f => f.Plot).Single(p => p.Id == "init-gsc-noise");
        Assert.NotEmpty(Assert.Single(init.Series).Band);
        Assert.Contains(SeedCurves.Caption, string.Join(" ", doc.Sections.SelectMany(s => s.Blocks).OfType<FigureBlock>()
            .Select(f => f.Caption)), StringComparison.Ordinal);
    }
}
