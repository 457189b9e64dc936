using System.Text;

namespace GradScope.Reporting;

/// <summary>Writes the Markdown for each block kind; collects rendered plots for the caller to save as SVG files.</summary>
internal sealed class MarkdownBlockWriter(StringBuilder md, string figuresDirectory)
{
    private int _figureCount;
    private int _tableCount;

    public List<(string Id, RenderedPlot Plot)> Plots { get; } = [];

    public void Append(ReportBlock block)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                md.Append(InlineMarkup.ToMarkdown(paragraph.Text)).Append("\n\n");
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
                throw new NotSupportedException($"No Markdown rendering for block type {block.GetType().Name}.");
        }
    }

    private void AppendFigure(FigureBlock figure)
    {
        var plot = PlotRenderer.Render(figure.Plot);
        Plots.Add((figure.Plot.Id, plot));
        md.Append("![").Append(MarkdownText.Escape(figure.Plot.Title)).Append("](")
          .Append(figuresDirectory).Append('/').Append(figure.Plot.Id).Append(".svg)\n\n")
          .Append("**Figure ").Append(++_figureCount).Append(".** ").Append(InlineMarkup.ToMarkdown(figure.Caption));
        foreach (var note in plot.Notes)
            md.Append(" *").Append(MarkdownText.Escape(note)).Append('*');
        md.Append("\n\n");
    }

    private void AppendTable(TableBlock table)
    {
        AppendCaption(table.Caption);
        AppendRow(table.Columns.Select(c => MarkdownText.Escape(c.Header)));
        AppendRow(table.Columns.Select(c => c.IsNumeric ? "---:" : "---"));
        foreach (var row in table.Rows)
            AppendRow(row.Select(CellText));
        md.Append('\n');
    }

    /// <summary>Markdown cannot colour cells, so the status becomes a symbol after the value.</summary>
    private static string CellText(TableCell cell)
    {
        string text = MarkdownText.Escape(cell.Text);
        return cell.Status switch
        {
            CellStatus.Ok => text + " ✓",
            CellStatus.Warn => text + " ⚠",
            CellStatus.Bad => "**" + text + "** ✗",
            CellStatus.Missing => text.Length == 0 ? ReportNumber.MissingText : text,
            _ => text,
        };
    }

    private void AppendNote(NoteBlock note)
    {
        // GitHub renders these as coloured alert boxes; other viewers show a plain quote.
        md.Append(note.Kind == NoteKind.Warning ? "> [!WARNING]\n" : "> [!NOTE]\n");
        md.Append("> ");
        if (note.Title is not null) md.Append("**").Append(MarkdownText.Escape(note.Title)).Append(":** ");
        md.Append(InlineMarkup.ToMarkdown(note.Text).Replace("\n", "\n> ", StringComparison.Ordinal)).Append("\n\n");
    }

    private void AppendClaims(ClaimsTableBlock claims)
    {
        AppendCaption(claims.Caption);
        AppendRow(["Claim", "Verdict", "Measured reason"]);
        AppendRow(["---", "---", "---"]);
        foreach (var claim in claims.Claims)
            AppendRow([(claim.Id is null ? "" : $"`{claim.Id}` " +
                $"") + InlineMarkup.ToMarkdown(claim.Statement, inTableCell: true), Verdict(claim.Verdict),
                InlineMarkup.ToMarkdown(claim.Reason, inTableCell: true)]);
        md.Append('\n');
        // Criteria and evidence in full below the table: a table cell cannot hold a list.
        foreach (var claim in claims.Claims.Where(c => c.Criterion is not null || c.Evidence.Count > 0))
        {
            md.Append("**").Append(claim.Id is null ? "Claim" : $"`{claim.Id}`").Append("**");
            if (claim.Criterion is not null) md.Append(" — criterion: ").Append(InlineMarkup.ToMarkdown(claim.Criterion));
            md.Append("\n\n");
            foreach (string item in claim.Evidence) md.Append("- ").Append(InlineMarkup.ToMarkdown(item)).Append('\n');
            if (claim.Sources is not null) md.Append("- Recompute from ").Append(MarkdownText.Escape(claim.Sources)).Append('\n');
            md.Append('\n');
        }
    }

    private static string Verdict(ClaimVerdict verdict) => verdict switch
    {
        ClaimVerdict.Holds => "✅ **holds**",
        ClaimVerdict.DoesNotHold => "❌ **does not hold**",
        _ => "❔ **inconclusive**",
    };

    private void AppendCaption(string? caption)
    {
        if (string.IsNullOrWhiteSpace(caption)) return;
        md.Append("**Table ").Append(++_tableCount).Append(".** ").Append(InlineMarkup.ToMarkdown(caption)).Append("\n\n");
    }

    private void AppendRow(IEnumerable<string> cells) =>
        md.Append("| ").Append(string.Join(" | ", cells.Select(MarkdownText.FlattenLines))).Append(" |\n");
}
