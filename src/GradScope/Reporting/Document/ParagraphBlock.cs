namespace GradScope.Reporting;

/// <summary>Prose between other blocks; supports the inline subset (**bold**, `code`).</summary>
public sealed class ParagraphBlock(string text) : ReportBlock
{
    public string Text { get; } = text ?? throw new ArgumentNullException(nameof(text));
}
