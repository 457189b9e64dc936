namespace GradScope.Reporting;

/// <summary>One named line/marker series of a plot.</summary>
public sealed record PlotSeries(string Name, IReadOnlyList<PlotPoint> Points, SeriesStyle Style = SeriesStyle.LineWithMarkers)
{
    /// <summary>
    /// Forces a palette slot instead of the series' position, so a dashed theoretical curve can share
    /// the colour of the measured series it predicts.
    /// </summary>
    public int? ColorIndex { get; init; }
}
