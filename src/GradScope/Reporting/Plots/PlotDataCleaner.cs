namespace GradScope.Reporting;

/// <summary>
/// Removes points a plot cannot show, instead of letting them crash the renderer or silently bend the
/// axes: NaN/∞ anywhere, and values ≤ 0 on a log axis. Exploding or vanishing gradients produce exactly
/// such values, so every omission is reported (the writers put the notes in the caption).
/// </summary>
internal static class PlotDataCleaner
{
    public static CleanedPlot Clean(PlotSpec spec)
    {
        var notes = new List<string>();
        var series = new List<CleanedSeries>(spec.Series.Count);
        bool logX = spec.XScale == AxisScale.Log10;
        bool logY = spec.YScale == AxisScale.Log10;

        for (int i = 0; i < spec.Series.Count; i++)
        {
            var source = spec.Series[i];
            var kept = new List<PlotPoint>(source.Points.Count);
            int nonFinite = 0, nonPositive = 0;
            foreach (var p in source.Points)
            {
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) nonFinite++;
                else if ((logX && p.X <= 0) || (logY && p.Y <= 0)) nonPositive++;
                else kept.Add(p);
            }

            var reasons = new List<string>(2);
            if (nonPositive > 0) reasons.Add($"{Points(nonPositive)} ≤ 0 (log axis)");
            if (nonFinite > 0) reasons.Add($"{nonFinite} NaN/∞ {(nonFinite == 1 ? "point" : "points")}");
            if (reasons.Count > 0) notes.Add($"{source.Name}: omitted {string.Join(" and ", reasons)}.");

            // Lines join points in x order: a series filled in table order (depth 50, 5, 10, 20) would otherwise cross itself.
            if (source.Style != SeriesStyle.Markers) kept = [.. kept.OrderBy(p => p.X)];
            var band = source.Band.Where(b => double.IsFinite(b.X) && double.IsFinite(b.Low) && double.IsFinite(b.High)
                && (!logX || b.X > 0) && (!logY || b.Low > 0)).OrderBy(b => b.X).ToList();
            series.Add(new CleanedSeries(source, kept, source.ColorIndex ?? i, band));
        }

        var references = new List<ReferenceLine>(spec.ReferenceLines.Count);
        foreach (var line in spec.ReferenceLines)
        {
            if (double.IsFinite(line.Y) && (!logY || line.Y > 0)) references.Add(line);
            else notes.Add($"Reference line y = {ReportNumber.Format(line.Y)} omitted (not representable on this axis).");
        }

        return new CleanedPlot(series, references, notes);
    }

    private static string Points(int count) => count == 1 ? "1 point" : $"{count} points";
}
