namespace GradScope.Reporting;

/// <summary>
/// A plot as an SVG fragment (starts with <c>&lt;svg</c>, no XML prolog; ready to inline in HTML) plus
/// notes about omitted data that belong in the caption.
/// </summary>
public sealed record RenderedPlot(string Svg, IReadOnlyList<string> Notes)
{
    /// <summary>The SVG as a standalone file (XML declaration added).</summary>
    public string ToSvgFile() => "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + Svg + "\n";
}
