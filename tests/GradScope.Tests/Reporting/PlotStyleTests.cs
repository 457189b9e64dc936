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
    public void Sixteen_series_differ_in_colour_marker_or_dash_pairwise()
    {
        var spec = new PlotSpec("many", "Many series");
        for (int i = 0; i < 16; i++) spec.AddSeries($"s{i}", [(1.0, i), (2.0, i + 1)]);
        var styles = Model(spec).Series.OfType<LineSeries>().Select(s => (s.Color, s.MarkerType, s.LineStyle)).ToList();
        Assert.Equal(16, styles.Count);
        Assert.Equal(16, styles.Distinct().Count());
        // Every pair differs in colour and in marker or dash, not only in one of them.
        Assert.Equal(16, styles.Select(s => (s.Color, s.MarkerType)).Distinct().Count());
        Assert.Equal(3, styles.Select(s => s.LineStyle).Distinct().Count());
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
