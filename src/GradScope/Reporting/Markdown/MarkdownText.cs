using System.Text;

namespace GradScope.Reporting;

/// <summary>Escaping for literal text in GitHub-flavoured Markdown; <c>|</c> is escaped so text is safe in pipe-table cells.</summary>
internal static class MarkdownText
{
    // Characters that could start emphasis, code, links, HTML or end a table cell. Backslash-escaping
    // any ASCII punctuation is always valid CommonMark, so over-escaping is harmless.
    private const string Special = "\\`*_[]<>|";

    public static string Escape(string text)
    {
        var md = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (Special.Contains(c)) md.Append('\\');
            md.Append(c);
        }

        return md.ToString();
    }

    /// <summary>A table row must stay on one line; explicit breaks become &lt;br&gt;.</summary>
    public static string FlattenLines(string text) =>
        text.Replace("\r\n", "<br>", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "<br>", StringComparison.Ordinal);
}
