using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace GradScope.Reporting;

/// <summary>Adds a <see cref="HeatMapData"/> to a styled plot model: vector cells (one SVG rectangle each) and a colour bar.</summary>
internal static class HeatMapLayer
{
    public static void AddTo(PlotModel model, HeatMapData heat)
    {
        int nx = heat.Values.GetLength(0), ny = heat.Values.GetLength(1);
        var data = new double[nx, ny];
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++)
            {
                double v = heat.Values[i, j];
                data[i, j] = !double.IsFinite(v) || (heat.LogColor && v <= 0) ? double.NaN : heat.LogColor ? Math.Log10(v) : v;
            }
        model.Axes.Add(new LinearColorAxis
        {
            Position = AxisPosition.Right,
            Palette = OxyPalettes.Viridis(200),
            Title = heat.ColorLabel,
            TitleFontSize = PlotTheme.AxisTitleFontSize,
            TitleColor = PlotTheme.Text,
            TextColor = PlotTheme.Text,
            InvalidNumberColor = OxyColors.Transparent,
            IsZoomEnabled = false,
            IsPanEnabled = false,
        });
        model.Series.Add(new HeatMapSeries
        {
            X0 = heat.XStart,
            X1 = heat.XStart + nx - 1,
            Y0 = heat.YStart,
            Y1 = heat.YStart + ny - 1,
            Data = data,
            // Rectangles instead of a bitmap keep the figure a pure vector SVG with no embedded image.
            RenderMethod = HeatMapRenderMethod.Rectangles,
            Interpolate = false,
        });
    }
}
