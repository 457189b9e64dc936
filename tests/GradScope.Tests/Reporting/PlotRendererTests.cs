using System.Text.RegularExpressions;
using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed partial class PlotRendererTests
{
    [GeneratedRegex("""<polyline[^>]*points="([^"]+)"[^>]*stroke:rgb\(34,34,34\)""")]
    private static partial Regex FirstPaletteColourPolyline();

    [GeneratedRegex("""<text[^>]*>([^<]*)</text>""")]
    private static partial Regex TextElement();

    private static PlotSpec Spec(AxisScale yScale, params (double X, double Y)[] points)
    {
        var spec = new PlotSpec("p", "Title of plot") { XLabel = "depth (layers)", YLabel = "gradient norm", YScale = yScale };
        spec.AddSeries("series A", points, SeriesStyle.Line);
        return spec;
    }

    private static List<string> Texts(string svg) => TextElement().Matches(svg).Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public void Linear_plot_is_an_svg_with_data_and_axis_titles()
    {
        var plot = PlotRenderer.Render(Spec(AxisScale.Linear, (1, 2), (2, 4), (3, 3)));

        Assert.StartsWith("<svg", plot.Svg);
        Assert.Contains("viewBox=\"0 0 640 400\"", plot.Svg);
        var texts = Texts(plot.Svg);
        Assert.Contains("depth (layers)", texts);
        Assert.Contains("gradient norm", texts);
        Assert.Contains("Title of plot", texts);
        var line = FirstPaletteColourPolyline().Match(plot.Svg);
        Assert.True(line.Success, "series polyline not found");
        Assert.Equal(3, line.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Empty(plot.Notes);
    }

    [Fact]
    public void Log_axis_labels_are_powers_of_ten()
    {
        var plot = PlotRenderer.Render(Spec(AxisScale.Log10, (1, 1e-2), (2, 1), (3, 1e4)));

        // Super-exponential labels are drawn as a base "10" followed by a smaller exponent text.
        var texts = Texts(plot.Svg);
        Assert.Contains("10", texts);
        foreach (string exponent in new[] { "-2", "0", "2", "4" })
            Assert.Contains(exponent, texts);
        Assert.DoesNotContain(texts, t => t.Contains('·') || t.Contains('E'));
    }

    [Fact]
    public void Log_axis_model_has_major_ticks_only_at_powers_of_ten()
    {
        var spec = Spec(AxisScale.Log10, (1, 3e-3), (2, 7), (3, 2e5));
        var model = PlotModelBuilder.Build(spec, PlotDataCleaner.Clean(spec));
        PlotRenderer.ExportSvg(model); // layout computes the actual axis range
        var yAxis = model.Axes.Single(a => a.Position == OxyPlot.Axes.AxisPosition.Left);

        yAxis.GetTickValues(out var labels, out var majors, out _);

        Assert.True(majors.Count >= 2);
        Assert.Equal(majors, labels);
        foreach (double tick in majors)
            Assert.Equal(Math.Round(Math.Log10(tick)), Math.Log10(tick), precision: 9);
    }

    [Theory]
    [InlineData(0, 3, new[] { 0, 1, 2, 3 })]
    [InlineData(-3, 4, new[] { -3, -2, -1, 0, 1, 2, 3, 4 })]
    [InlineData(-12, 12, new[] { -10, -5, 0, 5, 10 })]
    [InlineData(-1, 30, new[] { 0, 5, 10, 15, 20, 25, 30 })]
    public void Decade_ticks_use_a_nice_step_aligned_to_its_multiples(int first, int last, int[] expectedExponents)
    {
        var (majors, _) = DecadeLogarithmicAxis.DecadeTicks(first, last, Math.Pow(10, first), Math.Pow(10, last));

        var exponents = majors.Select(m => (int)Math.Round(Math.Log10(m))).ToArray();
        Assert.Equal(expectedExponents, exponents);
        Assert.True(exponents.Length <= DecadeLogarithmicAxis.MaxMajorTicks);
    }

    [Fact]
    public void Non_positive_points_on_a_log_axis_are_dropped_and_reported()
    {
        var spec = Spec(AxisScale.Log10, (1, -1), (2, 0), (3, 1), (4, 10), (5, 100));

        var cleaned = PlotDataCleaner.Clean(spec);
        var plot = PlotRenderer.Render(spec);

        Assert.Equal(3, cleaned.Series[0].Points.Count);
        var note = Assert.Single(plot.Notes);
        Assert.Contains("series A", note);
        Assert.Contains("2 points ≤ 0", note);
        var line = FirstPaletteColourPolyline().Match(plot.Svg);
        Assert.Equal(3, line.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void NaN_and_infinite_points_are_skipped_and_reported()
    {
        var plot = PlotRenderer.Render(Spec(AxisScale.Linear, (1, 1), (2, double.NaN), (double.PositiveInfinity, 3), (4, 2)));

        Assert.Contains("2 NaN/∞ points", Assert.Single(plot.Notes));
        var line = FirstPaletteColourPolyline().Match(plot.Svg);
        Assert.Equal(2, line.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Non_positive_reference_line_on_a_log_axis_is_omitted_with_a_note()
    {
        var spec = Spec(AxisScale.Log10, (1, 1), (2, 10));
        spec.AddReferenceLine(0, "zero");

        var plot = PlotRenderer.Render(spec);

        Assert.Contains(plot.Notes, n => n.Contains("Reference line", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(AxisScale.Linear)]
    [InlineData(AxisScale.Log10)]
    public void Plot_without_series_shows_a_no_data_placeholder(AxisScale scale)
    {
        var spec = new PlotSpec("empty", "Pending") { XLabel = "depth", YLabel = "norm", YScale = scale, XScale = scale };

        var plot = PlotRenderer.Render(spec);

        Assert.StartsWith("<svg", plot.Svg);
        Assert.Contains(PlotModelBuilder.NoDataText, Texts(plot.Svg));
        Assert.Contains("depth", Texts(plot.Svg));
    }

    [Fact]
    public void Plot_whose_points_are_all_unplottable_says_so()
    {
        var plot = PlotRenderer.Render(Spec(AxisScale.Log10, (1, 0), (2, -3)));

        Assert.Contains(PlotModelBuilder.NothingPlottableText, Texts(plot.Svg));
        Assert.Single(plot.Notes);
    }

    [Fact]
    public void Clip_path_ids_are_scoped_to_the_plot_so_inline_svgs_do_not_collide()
    {
        var a = PlotRenderer.Render(new PlotSpec("alpha", "A").AddSeries("s", [(1.0, 1.0), (2.0, 2.0)]));
        var b = PlotRenderer.Render(new PlotSpec("beta", "B").AddSeries("s", [(1.0, 1.0), (2.0, 2.0)]));

        Assert.DoesNotContain("\"clipPath", a.Svg);
        Assert.Contains("id=\"gs-alpha-clip1\"", a.Svg);
        Assert.Contains("url(#gs-beta-clip1)", b.Svg);
    }

    [Fact]
    public void Svg_file_form_is_a_standalone_document()
    {
        string file = PlotRenderer.Render(Spec(AxisScale.Linear, (1, 1), (2, 2))).ToSvgFile();

        Assert.StartsWith("<?xml", file);
        Assert.Contains("xmlns=\"http://www.w3.org/2000/svg\"", file);
        var doc = System.Xml.Linq.XDocument.Parse(file); // well-formed XML
        Assert.Equal("svg", doc.Root!.Name.LocalName);
    }
}
