using GradScope.Reporting;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace GradScope.Tests.Reporting;

public sealed class PlotStyleTests
{
    private static OxyPlot.PlotModel Model(PlotSpec spec)
    {
        var model = PlotModelBuilder.Build(spec, PlotDataCleaner.Clean(spec));
        PlotRenderer.ExportSvg(model); // layout computes the axis ranges and steps
        return model;
    }

    [Fact]
    public void Every_series_up_to_the_palette_size_has_its_own_colour_and_later_ones_change_dash()
    {
        int n = PlotTheme.Palette.Count + 3;
        var spec = new PlotSpec("many", "Many series");
        for (int i = 0; i < n; i++) spec.AddSeries($"s{i}", [(1.0, i), (2.0, i + 1)]);
        var styles = Model(spec).Series.OfType<LineSeries>().Select(s => (s.Color, s.MarkerType, s.LineStyle)).ToList();
        Assert.Equal(n, styles.Count);
        Assert.True(PlotTheme.Palette.Count >= 17, "the quick preset's init plot has 17 series");
        var first = styles.Take(PlotTheme.Palette.Count).ToList();
        Assert.Equal(first.Count, first.Select(s => s.Color).Distinct().Count());
        Assert.All(first, s => Assert.Equal(OxyPlot.LineStyle.Solid, s.LineStyle));
        // Past the palette a colour comes back, but dashed and with another marker.
        Assert.Equal(styles[0].Color, styles[PlotTheme.Palette.Count].Color);
        Assert.NotEqual(styles[0].LineStyle, styles[PlotTheme.Palette.Count].LineStyle);
        Assert.NotEqual(styles[0].MarkerType, styles[PlotTheme.Palette.Count].MarkerType);
        Assert.Equal(n, styles.Distinct().Count());
    }

    [Fact]
    public void A_seed_band_is_a_light_fill_in_the_series_colour_under_every_line_and_out_of_the_legend()
    {
        var spec = new PlotSpec("band", "Mean with spread");
        spec.AddSeries("first", [(1.0, 0.5)]);
        spec.Series.Add(new PlotSeries("relu", [new(1, 0.3), new(2, 0.2)])
        {
            Band = [new(2, 0.1, 0.3), new(1, 0.25, 0.35), new(3, double.NaN, 1)],
        });
        var model = Model(spec);
        var band = Assert.IsType<AreaSeries>(model.Series[0]);
        var line = model.Series.OfType<LineSeries>().Single(s => s.Title == "relu");
        Assert.True(model.Series.IndexOf(line) > 0);
        Assert.Null(band.Title);
        Assert.Equal((line.Color.R, line.Color.G, line.Color.B), (band.Fill.R, band.Fill.G, band.Fill.B));
        Assert.Equal(PlotTheme.BandAlpha, band.Fill.A);
        // Sorted by x; the NaN edge is dropped.
        Assert.Equal([(1.0, 0.35), (2.0, 0.3)], band.Points.Select(p => (p.X, p.Y)));
        Assert.Equal([(1.0, 0.25), (2.0, 0.1)], band.Points2.Select(p => (p.X, p.Y)));
        Assert.Single(model.Series.OfType<AreaSeries>());
    }

    [Fact]
    public void Line_points_are_joined_in_x_order()
    {
        var spec = new PlotSpec("order", "Depth in table order");
        spec.AddSeries("relu", [(50.0, 0.2), (5.0, 0.1), (10.0, 0.12), (20.0, 0.15)]);
        var xs = PlotDataCleaner.Clean(spec).Series[0].Points.Select(p => p.X).ToList();
        Assert.Equal([5.0, 10.0, 20.0, 50.0], xs);
    }

    [Fact]
    public void Scatter_points_keep_their_order()
    {
        var spec = new PlotSpec("scatter", "Scatter");
        spec.AddSeries("points", [(3.0, 1.0), (1.0, 2.0)], SeriesStyle.Markers);
        Assert.Equal([3.0, 1.0], PlotDataCleaner.Clean(spec).Series[0].Points.Select(p => p.X));
    }

    [Fact]
    public void Integer_axis_never_ticks_between_whole_numbers()
    {
        var spec = new PlotSpec("epochs", "Epochs") { XIntegers = true };
        spec.AddSeries("a", [(0.0, 0.5), (1.0, 0.3), (2.0, 0.2), (3.0, 0.15)]);
        var x = Model(spec).Axes.Single(a => a.Position == AxisPosition.Bottom);
        Assert.True(x.ActualMajorStep >= 1, $"major step {x.ActualMajorStep}");
        Assert.Equal(Math.Round(x.ActualMajorStep), x.ActualMajorStep);

        var free = new PlotSpec("free", "Free") { XIntegers = false };
        free.AddSeries("a", [(0.0, 0.5), (1.0, 0.3), (2.0, 0.2), (3.0, 0.15)]);
        Assert.True(Model(free).Axes.Single(a => a.Position == AxisPosition.Bottom).ActualMajorStep < 1);
    }
}
