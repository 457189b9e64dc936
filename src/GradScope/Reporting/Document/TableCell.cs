namespace GradScope.Reporting;

/// <summary>
/// One table cell: literal display text (no markup, since cells hold data such as names and numbers)
/// plus an optional status highlight. Strings convert implicitly, so rows read naturally:
/// <c>table.AddRow("tanh", TableCell.Number(1.2e5, status: CellStatus.Bad))</c>.
/// </summary>
public sealed record TableCell(string Text, CellStatus Status = CellStatus.None)
{
    public static implicit operator TableCell(string text) => new(text ?? "");

    /// <summary>A formatted number (see <see cref="ReportNumber.Format(double?, int)"/>); null or NaN shows as missing.</summary>
    public static TableCell Number(double? value, int significantDigits = 3, CellStatus status = CellStatus.None)
    {
        bool missing = value is null || double.IsNaN(value.Value);
        return new(ReportNumber.Format(value, significantDigits),
                   missing && status == CellStatus.None ? CellStatus.Missing : status);
    }

    public static TableCell Integer(long? value, CellStatus status = CellStatus.None) =>
        new(ReportNumber.Integer(value), value is null && status == CellStatus.None ? CellStatus.Missing : status);

    public static TableCell Missing(string text = ReportNumber.MissingText) => new(text, CellStatus.Missing);
}
