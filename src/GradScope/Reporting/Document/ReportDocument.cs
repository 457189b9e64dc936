namespace GradScope.Reporting;

/// <summary>
/// A study report as plain data. Study code fills it (sections, figures, tables, notes, claims);
/// <see cref="HtmlReportWriter"/> and <see cref="MarkdownReportWriter"/> render it. Keeping the model
/// free of any output format lets both writers (and tests) agree on one structure.
/// </summary>
public sealed class ReportDocument
{
    public ReportDocument(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
    }

    public string Title { get; }

    /// <summary>One line under the title; supports the inline subset (see <see cref="InlineMarkup"/>).</summary>
    public string? Subtitle { get; set; }

    /// <summary>Key facts about the run (command, preset, machine, date, wall time), shown under the title.</summary>
    public List<MetadataItem> Metadata { get; } = [];

    public List<ReportSection> Sections { get; } = [];

    public ReportDocument AddMetadata(string label, string value)
    {
        Metadata.Add(new MetadataItem(label, value));
        return this;
    }

    public ReportSection AddSection(string id, string title)
    {
        var section = new ReportSection(id, title);
        Sections.Add(section);
        return section;
    }

    /// <summary>All figures in document order; writers number them from this list.</summary>
    public IEnumerable<FigureBlock> Figures => Sections.SelectMany(s => s.Blocks).OfType<FigureBlock>();

    /// <summary>
    /// Ids become HTML anchors and SVG file names, so a duplicate would silently link to or overwrite
    /// the wrong thing; writers call this first and fail loudly instead.
    /// </summary>
    public void Validate()
    {
        ThrowOnDuplicates(Sections.Select(s => s.Id), "section");
        ThrowOnDuplicates(Figures.Select(f => f.Plot.Id), "figure");
    }

    private static void ThrowOnDuplicates(IEnumerable<string> ids, string kind)
    {
        var duplicates = ids.GroupBy(id => id, StringComparer.OrdinalIgnoreCase)
                            .Where(g => g.Count() > 1)
                            .Select(g => g.Key)
                            .ToList();
        if (duplicates.Count > 0)
            throw new InvalidOperationException($"Duplicate {kind} id(s) in report: {string.Join(", ", duplicates)}.");
    }
}
