using System.Net;
using System.Text;

namespace GradScope.Reporting;

/// <summary>Writes the HTML for each block kind and numbers figures and captioned tables in document order.</summary>
internal sealed class HtmlBlockWriter(StringBuilder html)
{
    private int _figureCount;
    private int _tableCount;

    public void Append(ReportBlock block)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                html.Append("<p>").Append(InlineMarkup.ToHtml(paragraph.Text)).Append("</p>\n");
                break;
            case FigureBlock figure:
                AppendFigure(figure);
                break;
            case TableBlock table:
                AppendTable(table);
                break;
            case NoteBlock note:
                AppendNote(note);
                break;
            case ClaimsTableBlock claims:
                AppendClaims(claims);
                break;
            default:
                throw new NotSupportedException($"No HTML rendering for block type {block.GetType().Name}.");
        }
    }

    private void AppendFigure(FigureBlock figure)
    {
        var plot = PlotRenderer.Render(figure.Plot);
        html.Append("<figure class=\"plot\" id=\"fig-").Append(figure.Plot.Id)
            .Append("\" data-plot=\"").Append(figure.Plot.Id).Append("\">\n")
            .Append(plot.Svg).Append('\n')
            .Append("<figcaption><span class=\"label\">Figure ").Append(++_figureCount).Append(".</span> ")
            .Append(InlineMarkup.ToHtml(figure.Caption));
        foreach (var note in plot.Notes)
            html.Append("<span class=\"plot-note\">").Append(Encode(note)).Append("</span>");
        html.Append("</figcaption>\n</figure>\n");
    }

    private void AppendTable(TableBlock table)
    {
        OpenTable(table.Caption, null);
        html.Append("<thead><tr>");
        foreach (var column in table.Columns)
            html.Append(column.IsNumeric ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">")
                .Append(Encode(column.Header)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
                AppendCell(row[i], table.Columns[i].IsNumeric);
            html.Append("</tr>\n");
        }

        CloseTable();
    }

    private void AppendCell(TableCell cell, bool numeric)
    {
        var classes = new List<string>(2);
        if (numeric) classes.Add("num");
        if (cell.Status != CellStatus.None) classes.Add("s-" + cell.Status.ToString().ToLowerInvariant());
        html.Append("<td");
        if (classes.Count > 0) html.Append(" class=\"").Append(string.Join(' ', classes)).Append('"');
        // The title names the status for screen readers and hover, since colour alone is not enough.
        if (cell.Status != CellStatus.None) html.Append(" title=\"").Append(cell.Status.ToString().ToLowerInvariant()).Append('"');
        html.Append('>').Append(Encode(cell.Text)).Append("</td>");
    }

    private void AppendNote(NoteBlock note)
    {
        string kind = note.Kind == NoteKind.Warning ? "warning" : "info";
        string icon = note.Kind == NoteKind.Warning ? "⚠" : "ℹ";
        html.Append("<aside class=\"callout callout-").Append(kind).Append("\" role=\"note\"><p>")
            .Append("<span class=\"callout-title\">").Append(icon).Append(' ').Append(Encode(note.DisplayTitle)).Append("</span> ")
            .Append(InlineMarkup.ToHtml(note.Text)).Append("</p></aside>\n");
    }

    private void AppendClaims(ClaimsTableBlock claims)
    {
        OpenTable(claims.Caption, "claims");
        html.Append("<thead><tr><th scope=\"col\">Claim and criterion</th><th scope=\"col\">Verdict and measured " +
            "reason</th></tr></thead>\n<tbody>\n");
        foreach (var claim in claims.Claims)
        {
            html.Append("<tr");
            if (claim.Id is not null) html.Append(" id=\"claim-").Append(Encode(claim.Id)).Append('"');
            html.Append("><td>");
            if (claim.Id is not null) html.Append("<code class=\"claim-id\">").Append(Encode(claim.Id)).Append("</code> ");
            html.Append(InlineMarkup.ToHtml(claim.Statement));
            if (claim.Criterion is not null)
                html.Append("<p class=\"criterion\"><span class=\"label\">Criterion.</span> " +
                    "").Append(InlineMarkup.ToHtml(claim.Criterion)).Append("</p>");
            AppendEvidence(claim);
            html.Append("</td><td><span class=\"badge badge-").Append(VerdictLabels.CssName(claim.Verdict)).Append("\">")
                .Append(VerdictLabels.Symbol(claim.Verdict)).Append(' ').Append(VerdictLabels.Text(claim.Verdict))
                .Append("</span><p class=\"reason\">").Append(InlineMarkup.ToHtml(claim.Reason)).Append("</p></td></tr>\n");
        }

        CloseTable();
    }

    /// <summary>Every measurement behind a verdict, folded into a details element so long lists do not bury the table.</summary>
    private void AppendEvidence(Claim claim)
    {
        if (claim.Evidence.Count == 0 && claim.Sources is null) return;
        html.Append("<details class=\"evidence\"><summary>Evidence (").Append(claim.Evidence.Count)
            .Append(claim.Evidence.Count == 1 ? " measurement)" : " measurements)").Append("</summary>");
        if (claim.Evidence.Count > 0)
        {
            html.Append("<ul>");
            foreach (string item in claim.Evidence) html.Append("<li>").Append(InlineMarkup.ToHtml(item)).Append("</li>");
            html.Append("</ul>");
        }
        if (claim.Sources is not null)
            html.Append("<p class=\"sources\">Recompute from ").Append(Encode(claim.Sources)).Append("</p>");
        html.Append("</details>");
    }

    /// <summary>
    /// The caption sits outside the scrolling box, so it wraps to the column instead of running as wide as the table; the
    /// box is a labelled, focusable region so keyboard users can scroll a wide table too.
    /// </summary>
    private void OpenTable(string? caption, string? cssClass)
    {
        html.Append("<div class=\"table-block\">\n");
        string label = "Table";
        if (!string.IsNullOrWhiteSpace(caption))
        {
            label = $"Table {++_tableCount}";
            html.Append("<p class=\"table-caption\"><span class=\"label\">").Append(label).Append(".</span> ")
                .Append(InlineMarkup.ToHtml(caption)).Append("</p>\n");
        }
        html.Append("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"").Append(label).Append("\">\n<table")
            .Append(cssClass is null ? "" : $" class=\"{cssClass}\"").Append(">\n");
    }

    private void CloseTable() => html.Append("</tbody>\n</table>\n</div>\n</div>\n");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
