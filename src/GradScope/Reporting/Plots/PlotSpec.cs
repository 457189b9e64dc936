namespace GradScope.Reporting;

/// <summary>
/// What to plot, independent of how: axes, scales, series, reference lines. <see cref="PlotRenderer"/>
/// turns it into SVG. Data need not be clean: NaN/∞ and (on log axes) non-positive points are dropped
/// and reported in the figure caption.
/// </summary>
public sealed class PlotSpec
{
    public PlotSpec(string id, string title)
    {
        Id = ReportId.Require(id, nameof(id));
        Title = title ?? throw new ArgumentNullException(nameof(title));
    }

    /// <summary>Stable id: used for <c>&lt;figure data-plot="id"&gt;</c> and the Markdown writer's <c>figures/id.svg</c>.</summary>
    public string Id { get; }

    public string Title { get; }

    public string XLabel { get; set; } = "";

    public string YLabel { get; set; } = "";

    public AxisScale XScale { get; set; } = AxisScale.Linear;

    public AxisScale YScale { get; set; } = AxisScale.Linear;

    /// <summary>The x quantity is a whole number (epochs, depth, blocks): ticks only at integers.</summary>
    public bool XIntegers { get; set; }

    public bool YIntegers { get; set; }

    public List<PlotSeries> Series { get; } = [];

    public List<ReferenceLine> ReferenceLines { get; } = [];

    /// <summary>A matrix drawn as coloured cells instead of (or under) the series, with a colour bar.</summary>
    public HeatMapData? HeatMap { get; set; }

    public PlotSpec AddSeries(string name, IEnumerable<PlotPoint> points,
                              SeriesStyle style = SeriesStyle.LineWithMarkers, int? colorIndex = null)
    {
        Series.Add(new PlotSeries(name, [.. points], style) { ColorIndex = colorIndex });
        return this;
    }

    public PlotSpec AddSeries(string name, IEnumerable<(double X, double Y)> points,
                              SeriesStyle style = SeriesStyle.LineWithMarkers, int? colorIndex = null) =>
        AddSeries(name, points.Select(p => new PlotPoint(p.X, p.Y)), style, colorIndex);

    public PlotSpec AddReferenceLine(double y, string? label = null)
    {
        ReferenceLines.Add(new ReferenceLine(y, label));
        return this;
    }
}
