using System.Net;
using System.Text;

namespace GradScope.Reporting;

/// <summary>
/// The light Markdown subset allowed in prose fields (paragraphs, captions, notes, claims, metadata
/// values): <c>**bold**</c> and <c>`code`</c>; everything else is literal text. Parsing once and
/// rendering per format means a stray <c>_</c> or <c>&lt;</c> in prose is shown literally in both
/// HTML and Markdown. Unclosed markers stay literal rather than swallowing the rest of the text.
/// </summary>
public static class InlineMarkup
{
    private enum SpanKind { Text, Code, Bold }

    private sealed record Span(SpanKind Kind, string Text, IReadOnlyList<Span> Children);

    public static string ToHtml(string text)
    {
        var html = new StringBuilder(text.Length + 16);
        foreach (var span in Parse(text)) AppendHtml(html, span);
        return html.ToString();
    }

    /// <summary>
    /// Markdown with the markup kept and literal text escaped. Set <paramref name="inTableCell"/> for
    /// pipe-table cells: GFM then needs <c>|</c> escaped even inside code spans (and strips the backslash),
    /// whereas elsewhere that backslash would show.
    /// </summary>
    public static string ToMarkdown(string text, bool inTableCell = false)
    {
        var md = new StringBuilder(text.Length + 16);
        foreach (var span in Parse(text)) AppendMarkdown(md, span, inTableCell);
        return md.ToString();
    }

    /// <summary>Plain text without markers, for places that cannot show formatting (e.g. image alt text).</summary>
    public static string ToPlainText(string text) =>
        string.Concat(Parse(text).Select(s => s.Kind == SpanKind.Bold ? string.Concat(s.Children.Select(c => c.Text)) : s.Text));

    private static List<Span> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<Span>();
        int i = 0, literalStart = 0;
        while (i < text.Length)
        {
            if (text[i] == '`' && TryFindClose(text, i + 1, "`", out int codeEnd))
            {
                FlushLiteral(spans, text, literalStart, i);
                spans.Add(new Span(SpanKind.Code, text[(i + 1)..codeEnd], []));
                i = literalStart = codeEnd + 1;
            }
            else if (string.CompareOrdinal(text, i, "**", 0, 2) == 0 && TryFindClose(text, i + 2, "**", out int boldEnd))
            {
                FlushLiteral(spans, text, literalStart, i);
                // Bold may contain code, e.g. **`relu` explodes**.
                spans.Add(new Span(SpanKind.Bold, "", Parse(text[(i + 2)..boldEnd])));
                i = literalStart = boldEnd + 2;
            }
            else
            {
                i++;
            }
        }

        FlushLiteral(spans, text, literalStart, text.Length);
        return spans;
    }

    private static void FlushLiteral(List<Span> spans, string text, int start, int end)
    {
        if (end > start) spans.Add(new Span(SpanKind.Text, text[start..end], []));
    }

    private static bool TryFindClose(string text, int start, string marker, out int index)
    {
        index = start < text.Length ? text.IndexOf(marker, start, StringComparison.Ordinal) : -1;
        return index > start; // empty spans ("``", "****") are literal
    }

    private static void AppendHtml(StringBuilder html, Span span)
    {
        switch (span.Kind)
        {
            case SpanKind.Code:
                html.Append("<code>").Append(WebUtility.HtmlEncode(span.Text)).Append("</code>");
                break;
            case SpanKind.Bold:
                html.Append("<strong>");
                foreach (var child in span.Children) AppendHtml(html, child);
                html.Append("</strong>");
                break;
            default:
                html.Append(WebUtility.HtmlEncode(span.Text));
                break;
        }
    }

    private static void AppendMarkdown(StringBuilder md, Span span, bool inTableCell)
    {
        switch (span.Kind)
        {
            case SpanKind.Code:
                md.Append('`').Append(inTableCell ? span.Text.Replace("|", "\\|", StringComparison.Ordinal) : span.Text).Append('`');
                break;
            case SpanKind.Bold:
                md.Append("**");
                foreach (var child in span.Children) AppendMarkdown(md, child, inTableCell);
                md.Append("**");
                break;
            default:
                md.Append(MarkdownText.Escape(span.Text));
                break;
        }
    }
}
