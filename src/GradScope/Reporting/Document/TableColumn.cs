namespace GradScope.Reporting;

/// <summary>
/// A table column. Numeric columns are right-aligned with tabular figures so magnitudes line up
/// and can be compared at a glance.
/// </summary>
public sealed record TableColumn(string Header, bool IsNumeric = false)
{
    public static TableColumn Text(string header) => new(header);

    public static TableColumn Numeric(string header) => new(header, IsNumeric: true);
}
