using OxyPlot;

namespace GradScope.Reporting;

/// <summary>The single place for plot look-and-feel, so every figure in every report matches.</summary>
internal static class PlotTheme
{
    public const double Width = 640;
    public const double Height = 400;

    // Helvetica metrics are what OxyPlot's headless text measurer (PdfRenderContext) knows, so we ask
    // browsers for Helvetica or a metric-compatible face (Arial, Liberation Sans) to keep labels where
    // the layout put them.
    public const string FontFamily = "Helvetica, Arial, 'Liberation Sans', sans-serif";

    public const double FontSize = 11;
    public const double AxisTitleFontSize = 12;
    public const double TitleFontSize = 14;

    public static readonly OxyColor Background = OxyColors.White;
    public static readonly OxyColor Text = OxyColor.FromRgb(0x22, 0x22, 0x22);
    public static readonly OxyColor MutedText = OxyColor.FromRgb(0x6B, 0x6B, 0x6B);
    public static readonly OxyColor AxisLine = OxyColor.FromRgb(0x88, 0x88, 0x88);
    public static readonly OxyColor MajorGrid = OxyColor.FromRgb(0xE4, 0xE4, 0xE4);
    public static readonly OxyColor MinorGrid = OxyColor.FromRgb(0xF2, 0xF2, 0xF2);
    public static readonly OxyColor ReferenceLine = OxyColor.FromRgb(0x55, 0x55, 0x55);

    /// <summary>
    /// Kenneth L. Kelly's "Twenty-two colors of maximum contrast" (Color Engineering 3(6), 1965), hex values as in the
    /// widely used sRGB transcription, in Kelly's order (each prefix as contrasting as possible; Kelly weighed
    /// colour-deficient viewers in choosing the first ones), except that the four palest (very light blue, yellows) come
    /// late, because thin pale lines fade on white, and dark olive green last, as it is hard to tell from black. White is
    /// left out (invisible on the background), leaving 21: more than the largest plot of the quick preset (17
    /// initial-state networks), so there every series has its own colour. Beyond 21 (the paper preset's 33-network init
    /// plot) colours repeat with another dash. Not all 21 stay apart under colour-vision deficiency, so markers and dashes
    /// vary as well.
    /// </summary>
    public static readonly IReadOnlyList<OxyColor> Palette =
    [
        OxyColor.FromRgb(0x22, 0x22, 0x22), // black
        OxyColor.FromRgb(0x87, 0x56, 0x92), // strong purple
        OxyColor.FromRgb(0xF3, 0x84, 0x00), // vivid orange
        OxyColor.FromRgb(0xBE, 0x00, 0x32), // vivid red
        OxyColor.FromRgb(0x84, 0x84, 0x82), // medium grey
        OxyColor.FromRgb(0x00, 0x88, 0x56), // vivid green
        OxyColor.FromRgb(0xE6, 0x8F, 0xAC), // strong purplish pink
        OxyColor.FromRgb(0x00, 0x67, 0xA5), // strong blue
        OxyColor.FromRgb(0xF9, 0x93, 0x79), // strong yellowish pink
        OxyColor.FromRgb(0x60, 0x4E, 0x97), // strong violet
        OxyColor.FromRgb(0xF6, 0xA6, 0x00), // vivid orange yellow
        OxyColor.FromRgb(0xB3, 0x44, 0x6C), // strong purplish red
        OxyColor.FromRgb(0x88, 0x2D, 0x17), // strong reddish brown
        OxyColor.FromRgb(0x8D, 0xB6, 0x00), // vivid yellowish green
        OxyColor.FromRgb(0x65, 0x45, 0x22), // deep yellowish brown
        OxyColor.FromRgb(0xE2, 0x58, 0x22), // vivid reddish orange
        OxyColor.FromRgb(0xA1, 0xCA, 0xF1), // very light blue
        OxyColor.FromRgb(0xF3, 0xC3, 0x00), // vivid yellow
        OxyColor.FromRgb(0xC2, 0xB2, 0x80), // greyish yellow
        OxyColor.FromRgb(0xDC, 0xD3, 0x00), // vivid greenish yellow
        OxyColor.FromRgb(0x2B, 0x3D, 0x26), // dark olive green
    ];

    /// <summary>
    /// Marker shapes cycle with a period (5) coprime to the palette's (21), so the first 105 series all differ in their
    /// (colour, marker) pair and stay distinguishable in greyscale print and beyond the palette.
    /// </summary>
    public static readonly IReadOnlyList<MarkerType> Markers =
        [MarkerType.Circle, MarkerType.Square, MarkerType.Diamond, MarkerType.Triangle, MarkerType.Cross];

    /// <summary>Line dash by palette round: series 22–42 reuse the colours of 1–21, but dashed; 43–63 dash-dotted.</summary>
    public static readonly IReadOnlyList<LineStyle> Dashes = [LineStyle.Solid, LineStyle.Dash, LineStyle.DashDot];

    /// <summary>A seed band is the series colour at this opacity, so the lines drawn over it stay readable.</summary>
    public const byte BandAlpha = 0x38;

    public static OxyColor SeriesColor(int index) => Palette[Mod(index, Palette.Count)];

    public static MarkerType SeriesMarker(int index) => Markers[Mod(index, Markers.Count)];

    public static LineStyle SeriesDash(int index) => Dashes[Mod(index / Palette.Count, Dashes.Count)];

    /// <summary>Open markers (a cross) have no fill: they are drawn with the series colour instead of a white rim.</summary>
    public static bool IsOpenMarker(MarkerType marker) => marker is MarkerType.Cross or MarkerType.Plus or MarkerType.Star;

    private static int Mod(int value, int modulus) => ((value % modulus) + modulus) % modulus;
}
