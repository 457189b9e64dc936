namespace GradScope.Reporting;

/// <summary>A data table with fixed columns; every row must have exactly one cell per column.</summary>
public sealed class TableBlock : ReportBlock
{
    private readonly List<IReadOnlyList<TableCell>> _rows = [];

    public TableBlock(IReadOnlyList<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
            throw new ArgumentException("A table needs at least one column.", nameof(columns));
        Columns = [.. columns];
    }

    public IReadOnlyList<TableColumn> Columns { get; }

    public IReadOnlyList<IReadOnlyList<TableCell>> Rows => _rows;

    /// <summary>Optional caption; writers number captioned tables ("Table 2."). Supports the inline subset.</summary>
    public string? Caption { get; set; }

    public TableBlock WithCaption(string caption)
    {
        Caption = caption;
        return this;
    }

    public TableBlock AddRow(params TableCell[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Columns.Count)
            throw new ArgumentException(
                $"Row has {cells.Length} cells but the table has {Columns.Count} columns.", nameof(cells));
        _rows.Add([.. cells.Select(c => c ?? new TableCell(""))]);
        return this;
    }
}
