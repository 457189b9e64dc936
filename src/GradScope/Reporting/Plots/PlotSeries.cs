namespace GradScope.Reporting;

/// <summary>One named line/marker series of a plot.</summary>
public sealed record PlotSeries(string Name, IReadOnlyList<PlotPoint> Points, SeriesStyle Style = SeriesStyle.LineWithMarkers)
{
    /// <summary>
    /// Forces a palette slot instead of the series' position, so a dashed theoretical curve can share
    /// the colour of the measured series it predicts, or one architecture keeps its colour across plots.
    /// </summary>
    public int? ColorIndex { get; init; }

    /// <summary>
    /// The spread behind the points when they are a mean (over seeds): drawn as a light band in the series colour,
    /// so the plot shows the same spread as the tables. Empty for a single measurement.
    /// </summary>
    public IReadOnlyList<PlotBandPoint> Band { get; init; } = [];
}
