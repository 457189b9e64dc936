using System.Text.RegularExpressions;
using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed partial class HeatMapRenderingTests
{
    /// <summary>A painted rectangle (blank cells are emitted by OxyPlot as fill:none and do not count).</summary>
    [GeneratedRegex("<rect [^>]*fill:rgb\\(")]
    private static partial Regex Rect();

    private static int Rects(double[,] values, bool log)
    {
        var spec = new PlotSpec("heat", "heat") { HeatMap = new HeatMapData(values, "value", log) };
        return Rect().Matches(PlotRenderer.Render(spec).Svg).Count;
    }

    [Fact]
    public void Every_finite_cell_is_one_painted_vector_rectangle_and_blank_cells_stay_unpainted()
    {
        var full = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) full[i, j] = Math.Pow(10, i - j);
        var triangle = (double[,])full.Clone();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < i; j++) triangle[i, j] = double.NaN;   // 6 undefined entries
        Assert.Equal(6, Rects(full, log: true) - Rects(triangle, log: true));
        // On a log colour scale a non-positive value cannot be coloured either.
        var withZero = (double[,])full.Clone();
        withZero[0, 0] = 0;
        Assert.Equal(1, Rects(full, log: true) - Rects(withZero, log: true));
        Assert.Equal(0, Rects(full, log: false) - Rects(withZero, log: false));
    }
}
