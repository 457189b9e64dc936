namespace GradScope.Reporting;

/// <summary>
/// The one owner of "which colour is which series" across a report: every series name gets a palette slot on its
/// first appearance and keeps it in every later plot, so an architecture is the same colour everywhere. Series that
/// already chose a slot (a prediction sharing its measurement's colour) are left alone.
/// </summary>
public static class SeriesColourMap
{
    public static IReadOnlyDictionary<string, int> Apply(IEnumerable<PlotSpec> plots)
    {
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var plot in plots)
            for (int i = 0; i < plot.Series.Count; i++)
            {
                var series = plot.Series[i];
                if (series.ColorIndex is not null) continue;
                if (!slots.TryGetValue(series.Name, out int slot)) slots[series.Name] = slot = slots.Count;
                plot.Series[i] = series with { ColorIndex = slot };
            }
        return slots;
    }
}
