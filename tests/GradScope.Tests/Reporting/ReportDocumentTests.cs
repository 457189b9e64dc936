using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed class ReportDocumentTests
{
    [Theory]
    [InlineData("has space")]
    [InlineData("1starts-with-digit")]
    [InlineData("quote\"")]
    [InlineData("../escape")]
    [InlineData("")]
    public void Ids_unsafe_for_html_or_file_names_are_rejected(string id)
    {
        Assert.Throws<ArgumentException>(() => new PlotSpec(id, "t"));
        Assert.Throws<ArgumentException>(() => new ReportSection(id, "t"));
    }

    [Fact]
    public void Rows_must_match_the_column_count()
    {
        var table = new TableBlock([TableColumn.Text("a"), TableColumn.Text("b")]);

        Assert.Throws<ArgumentException>(() => table.AddRow("only one"));
    }

    [Fact]
    public void Duplicate_section_ids_are_rejected()
    {
        var doc = new ReportDocument("T");
        doc.AddSection("x", "One");
        doc.AddSection("X", "Two");

        Assert.Throws<InvalidOperationException>(doc.Validate);
    }

    [Fact]
    public void Number_cells_mark_missing_values()
    {
        Assert.Equal(CellStatus.Missing, TableCell.Number(double.NaN).Status);
        Assert.Equal(CellStatus.Bad, TableCell.Number(null, status: CellStatus.Bad).Status);
        Assert.Equal(new TableCell("1.50"), TableCell.Number(1.5));
    }
}
