namespace GradScope.Reporting;

/// <summary>A titled part of the report: intro paragraphs followed by blocks in display order.</summary>
public sealed class ReportSection
{
    public ReportSection(string id, string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Id = ReportId.Require(id, nameof(id));
        Title = title;
    }

    /// <summary>Anchor for the table of contents; letters, digits, '-' and '_' only.</summary>
    public string Id { get; }

    public string Title { get; }

    /// <summary>Paragraphs shown under the heading; each supports the inline subset (**bold**, `code`).</summary>
    public List<string> Intro { get; } = [];

    public List<ReportBlock> Blocks { get; } = [];

    public ReportSection AddIntro(string paragraph)
    {
        Intro.Add(paragraph);
        return this;
    }

    public ReportSection AddParagraph(string text)
    {
        Blocks.Add(new ParagraphBlock(text));
        return this;
    }

    public FigureBlock AddFigure(PlotSpec plot, string caption)
    {
        var figure = new FigureBlock(plot, caption);
        Blocks.Add(figure);
        return figure;
    }

    public TableBlock AddTable(params TableColumn[] columns)
    {
        var table = new TableBlock(columns);
        Blocks.Add(table);
        return table;
    }

    public NoteBlock AddNote(NoteKind kind, string text)
    {
        var note = new NoteBlock(kind, text);
        Blocks.Add(note);
        return note;
    }

    public ClaimsTableBlock AddClaims()
    {
        var claims = new ClaimsTableBlock();
        Blocks.Add(claims);
        return claims;
    }
}
