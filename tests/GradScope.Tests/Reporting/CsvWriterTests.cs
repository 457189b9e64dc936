using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed class CsvWriterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("he said \"hi\"", "\"he said \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Fields_are_quoted_per_rfc_4180(string? field, string expected) =>
        Assert.Equal(expected, CsvWriter.Escape(field));

    [Fact]
    public void Values_use_invariant_culture_and_round_trip_precision()
    {
        string line = CsvWriter.FormatLine([1.5, 0.1 + 0.2, double.NaN, null, 42, true, "x,y"]);

        Assert.Equal("1.5,0.30000000000000004,NaN,,42,true,\"x,y\"", line);
    }

    [Fact]
    public void Document_has_header_and_crlf_line_ends()
    {
        string csv = CsvWriter.ToCsv(["depth", "gsc"], [[2, 1.25], [4, 3e10]]);

        Assert.Equal("depth,gsc\r\n2,1.25\r\n4,30000000000\r\n", csv);
    }

    [Fact]
    public void Report_table_exports_display_text()
    {
        var table = new TableBlock([TableColumn.Text("name"), TableColumn.Numeric("value")]);
        table.AddRow("a, b", TableCell.Number(null));

        Assert.Equal("name,value\r\n\"a, b\",—\r\n", CsvWriter.ToCsv(table));
    }
}
