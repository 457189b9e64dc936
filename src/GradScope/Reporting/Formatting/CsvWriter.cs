using GradScope.IO;
using System.Globalization;
using System.Text;

namespace GradScope.Reporting;

/// <summary>
/// RFC 4180 CSV for per-study data tables: comma-separated, CRLF line ends, fields quoted only when
/// they contain a comma, quote, CR or LF (quotes doubled). Values use the invariant culture and full
/// round-trip precision for doubles, because these files are read by programs, not people.
/// </summary>
public static class CsvWriter
{
    public static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field)) return "";
        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
    }

    /// <summary>null → empty field; doubles round-trip ("R"-equivalent shortest form), NaN → "NaN".</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string FormatLine(IEnumerable<object?> values) =>
        string.Join(",", values.Select(v => Escape(FormatValue(v))));

    public static string ToCsv(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var csv = new StringBuilder();
        csv.Append(FormatLine(header)).Append("\r\n");
        foreach (var row in rows)
            csv.Append(FormatLine(row)).Append("\r\n");
        return csv.ToString();
    }

    /// <summary>A report table as CSV, using the cells' display text.</summary>
    public static string ToCsv(TableBlock table) =>
        ToCsv(table.Columns.Select(c => c.Header), table.Rows.Select(r => r.Select(c => (object?)c.Text)));

    public static void Write(string path, IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows) =>
        AtomicFile.WriteAllText(path, ToCsv(header, rows));

    public static void Write(string path, TableBlock table) => AtomicFile.WriteAllText(path, ToCsv(table));
}
