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
    /// Okabe–Ito colour-blind-safe palette, reordered so the first colours are the most distinct on
    /// white; its yellow is left out because thin yellow lines vanish on a white background.
    /// </summary>
    public static readonly IReadOnlyList<OxyColor> Palette =
    [
        OxyColor.FromRgb(0x00, 0x72, 0xB2), // blue
        OxyColor.FromRgb(0xD5, 0x5E, 0x00), // vermillion
        OxyColor.FromRgb(0x00, 0x9E, 0x73), // bluish green
        OxyColor.FromRgb(0xCC, 0x79, 0xA7), // reddish purple
        OxyColor.FromRgb(0xE6, 0x9F, 0x00), // orange
        OxyColor.FromRgb(0x56, 0xB4, 0xE9), // sky blue
        OxyColor.FromRgb(0x00, 0x00, 0x00), // black
    ];

    /// <summary>
    /// Marker shapes cycle with a period (5) coprime to the palette's (7), so the first 35 series all differ in their
    /// (colour, marker) pair and stay distinguishable in greyscale print and beyond the palette.
    /// </summary>
    public static readonly IReadOnlyList<MarkerType> Markers =
        [MarkerType.Circle, MarkerType.Square, MarkerType.Diamond, MarkerType.Triangle, MarkerType.Cross];

    /// <summary>Line dash by palette round: series 8–14 reuse the colours of 1–7, but dashed; 15–21 dash-dotted.</summary>
    public static readonly IReadOnlyList<LineStyle> Dashes = [LineStyle.Solid, LineStyle.Dash, LineStyle.DashDot];

    public static OxyColor SeriesColor(int index) => Palette[Mod(index, Palette.Count)];

    public static MarkerType SeriesMarker(int index) => Markers[Mod(index, Markers.Count)];

    public static LineStyle SeriesDash(int index) => Dashes[Mod(index / Palette.Count, Dashes.Count)];

    /// <summary>Open markers (a cross) have no fill: they are drawn with the series colour instead of a white rim.</summary>
    public static bool IsOpenMarker(MarkerType marker) => marker is MarkerType.Cross or MarkerType.Plus or MarkerType.Star;

    private static int Mod(int value, int modulus) => ((value % modulus) + modulus) % modulus;
}
