using OxyPlot;

namespace GradScope.Reporting;

/// <summary>
/// Headless text measurement for OxyPlot's SVG layout (SVG cannot measure text itself). It uses the
/// Helvetica metrics built into OxyPlot's <see cref="PdfRenderContext"/>, but that context works in PDF
/// points, so widths come out at 72/96 of their size in SVG pixels: legends were clipped and 10ⁿ
/// exponents overlapped their base. Scaling the font size by 96/72 corrects this. Only measuring is
/// supported; drawing is the SVG context's job.
/// </summary>
internal sealed class HelveticaTextMeasurer : RenderContextBase
{
    private const double PixelsPerPoint = 96.0 / 72.0;

    private readonly PdfRenderContext _metrics = new(PlotTheme.Width, PlotTheme.Height, PlotTheme.Background);

    public override int ClipCount => 0;

    public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight) =>
        _metrics.MeasureText(text, fontFamily, fontSize * PixelsPerPoint, fontWeight);

    public override void DrawLine(IList<ScreenPoint> points, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode,
                                  double[] dashArray, LineJoin lineJoin) => throw MeasureOnly();

    public override void DrawPolygon(IList<ScreenPoint> points, OxyColor fill, OxyColor stroke, double thickness,
                                     EdgeRenderingMode edgeRenderingMode, double[] dashArray, LineJoin lineJoin) => throw MeasureOnly();

    public override void DrawText(ScreenPoint p, string text, OxyColor fill, string fontFamily, double fontSize, double fontWeight,
                                  double rotation, HorizontalAlignment halign, VerticalAlignment valign, OxySize? maxSize) =>
        throw MeasureOnly();

    public override void PushClip(OxyRect clippingRectangle) => throw MeasureOnly();

    public override void PopClip() => throw MeasureOnly();

    private static NotSupportedException MeasureOnly() => new("This render context only measures text.");
}
