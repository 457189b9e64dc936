using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed class MarkdownReportWriterTests
{
    [Fact]
    public void Table_cells_escape_pipes_and_markdown_characters()
    {
        var doc = new ReportDocument("T");
        doc.AddSection("s", "S")
           .AddTable(TableColumn.Text("Name | kind"), TableColumn.Numeric("Value"))
           .AddRow("a|b *c* _d_", "line1\nline2");

        string md = MarkdownReportWriter.Render(doc);

        Assert.Contains("| Name \\| kind | Value |", md);
        Assert.Contains("| --- | ---: |", md);
        Assert.Contains("| a\\|b \\*c\\* \\_d\\_ | line1<br>line2 |", md);
    }

    [Fact]
    public void Code_spans_in_claims_table_escape_pipes_but_prose_code_does_not()
    {
        var doc = new ReportDocument("T");
        var section = doc.AddSection("s", "S");
        section.AddIntro("Run `a | b` now.");
        section.AddClaims().Add("**Bold** claim", "`x|y` measured", ClaimVerdict.Holds);

        string md = MarkdownReportWriter.Render(doc);

        Assert.Contains("Run `a | b` now.", md);
        Assert.Contains("| **Bold** claim | ✅ **holds** | `x\\|y` measured |", md);
    }

    [Fact]
    public void Write_puts_figures_in_svg_files_linked_by_relative_path()
    {
        // GRADSCOPE_REPORT_ARTIFACTS keeps the output for inspection (see HtmlReportBrowserTests).
        string? keep = Environment.GetEnvironmentVariable("GRADSCOPE_REPORT_ARTIFACTS");
        string dir = keep is { Length: > 0 }
            ? Directory.CreateDirectory(Path.Combine(keep, "markdown")).FullName
            : Directory.CreateTempSubdirectory("gradscope-md-").FullName;
        try
        {
            var doc = SampleReport.Create();

            string path = MarkdownReportWriter.Write(doc, dir);

            string md = File.ReadAllText(path);
            foreach (string id in SampleReport.FigureIds)
            {
                Assert.Contains($"](figures/{id}.svg)", md);
                string svg = File.ReadAllText(Path.Combine(dir, "figures", id + ".svg"));
                Assert.StartsWith("<?xml", svg);
                Assert.Contains("<svg", svg);
            }

            Assert.Contains("## Gradient scale coefficient vs depth", md);
            Assert.Contains("<a id=\"gsc\"></a>", md);
            Assert.Contains("> [!WARNING]", md);
            Assert.Contains("**Figure 1.**", md);
            Assert.Contains("*SELU: omitted 1 NaN/∞ point.*", md);
        }
        finally
        {
            if (keep is not { Length: > 0 }) Directory.Delete(dir, recursive: true);
        }
    }
}
