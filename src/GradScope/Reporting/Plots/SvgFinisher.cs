using System.Net;
using System.Text.RegularExpressions;

namespace GradScope.Reporting;

/// <summary>
/// Adjusts OxyPlot's SVG so several plots can live inline in one HTML page and scale with it.
/// </summary>
internal static partial class SvgFinisher
{
    // OxyPlot numbers clip paths clipPath1, clipPath2, ... in every export. Inline in one HTML document,
    // all SVGs share one id space, so url(#clipPath2) of the second plot would resolve to the first
    // plot's clip rectangle. Prefixing with the (unique) plot id keeps each plot's references its own.
    [GeneratedRegex("""(id="|url\(#)clipPath(\d+)""")]
    private static partial Regex ClipPathReference();

    [GeneratedRegex("<svg[^>]*>")]
    private static partial Regex RootElement();

    public static string Finish(string oxySvg, string plotId, string title)
    {
        // OxyPlot emits an XML declaration even for non-document exports; inside HTML it would become a
        // stray comment node, so everything before the root element goes.
        int root = oxySvg.IndexOf("<svg", StringComparison.Ordinal);
        if (root < 0) throw new InvalidOperationException("OxyPlot produced no <svg> element.");
        string svg = ClipPathReference().Replace(oxySvg[root..].Trim(), m => $"{m.Groups[1].Value}gs-{plotId}-clip{m.Groups[2].Value}");

        // Replace the root tag: viewBox lets CSS scale the plot to the column width (width/height stay as
        // the intrinsic size for standalone viewers); xmlns:xlink is dropped because nothing uses it.
        string w = PlotTheme.Width.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string h = PlotTheme.Height.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string label = WebUtility.HtmlEncode(title);
        string rootTag =
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">""" +
            $"<title>{label}</title>";
        return RootElement().Replace(svg, rootTag, count: 1);
    }
}
