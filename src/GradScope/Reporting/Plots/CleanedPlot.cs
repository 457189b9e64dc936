namespace GradScope.Reporting;

/// <summary>A series after dropping unplottable points (of the line and of its band), with its fixed palette slot.</summary>
internal sealed record CleanedSeries(PlotSeries Source, IReadOnlyList<PlotPoint> Points, int ColorIndex,
    IReadOnlyList<PlotBandPoint> Band);

/// <summary>What is actually drawn, plus human-readable notes about what was left out and why.</summary>
internal sealed record CleanedPlot(
    IReadOnlyList<CleanedSeries> Series,
    IReadOnlyList<ReferenceLine> ReferenceLines,
    IReadOnlyList<string> Notes)
{
    public bool HasData => Series.Any(s => s.Points.Count > 0);
}
