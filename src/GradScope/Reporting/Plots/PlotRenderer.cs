using OxyPlot;

namespace GradScope.Reporting;

/// <summary>Renders a <see cref="PlotSpec"/> to SVG with OxyPlot, headless (no UI toolkit, no system fonts needed).</summary>
public static class PlotRenderer
{
    public static RenderedPlot Render(PlotSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var data = PlotDataCleaner.Clean(spec);
        var model = PlotModelBuilder.Build(spec, data);
        string svg = ExportSvg(model);
        return new RenderedPlot(SvgFinisher.Finish(svg, spec.Id, spec.Title), data.Notes);
    }

    internal static string ExportSvg(PlotModel model)
    {
        // SVG itself cannot measure text, so OxyPlot needs a measurer for layout; this one needs no UI
        // toolkit or installed font, and PlotTheme asks viewers for Helvetica-compatible fonts to match.
        var measurer = new HelveticaTextMeasurer();
        // The vertical-alignment workaround positions text with explicit offsets instead of
        // dominant-baseline, which some SVG viewers (image previews, Inkscape) ignore.
        return SvgExporter.ExportToString(model, PlotTheme.Width, PlotTheme.Height, isDocument: false,
                                          textMeasurer: measurer, useVerticalTextAlignmentWorkaround: true);
    }
}
