using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>
/// Draws what the tables report: the mean over the seeds, with the lowest and highest seed as a band, instead of
/// one seed's curve.
/// </summary>
internal static class SeedCurves
{
    public const string Caption = "mean over the seeds, the band spans the lowest to the highest seed";

    /// <summary>Adds the mean of the per-seed curves at every x any seed has (over the seeds that have it).</summary>
    public static void AddMean(PlotSpec plot, string name, IEnumerable<IEnumerable<(double X, double Y)>> seeds)
    {
        var curves = seeds.Select(c => c.ToList()).Where(c => c.Count > 0).ToList();
        if (curves.Count == 0) return;
        var byX = curves.SelectMany(c => c).GroupBy(p => p.X).OrderBy(g => g.Key).ToList();
        IReadOnlyList<PlotBandPoint> band = curves.Count > 1
            ? [.. byX.Select(g => new PlotBandPoint(g.Key, g.Min(p => p.Y), g.Max(p => p.Y)))]
            : [];
        plot.Series.Add(new PlotSeries(name, [.. byX.Select(g => new PlotPoint(g.Key, g.Average(p => p.Y)))]) { Band = band });
    }
}
