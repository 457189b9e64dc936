namespace GradScope.Reporting;

public enum NoteKind
{
    Info,
    Warning,
}

/// <summary>A call-out box, e.g. "3 cells of 40 not finished yet". Text supports the inline subset.</summary>
public sealed class NoteBlock(NoteKind kind, string text) : ReportBlock
{
    public NoteKind Kind { get; } = kind;

    public string Text { get; } = text ?? throw new ArgumentNullException(nameof(text));

    /// <summary>Overrides the default heading ("Note" / "Warning").</summary>
    public string? Title { get; set; }

    internal string DisplayTitle => Title ?? (Kind == NoteKind.Warning ? "Warning" : "Note");
}
