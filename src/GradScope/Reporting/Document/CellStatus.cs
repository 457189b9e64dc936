namespace GradScope.Reporting;

/// <summary>How a table cell should be highlighted; the HTML writer tints it, Markdown adds a symbol.</summary>
public enum CellStatus
{
    None,
    Ok,
    Warn,
    Bad,

    /// <summary>No value yet (run unfinished or failed); shown muted.</summary>
    Missing,
}
