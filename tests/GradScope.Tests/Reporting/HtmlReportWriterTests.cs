using System.Text.RegularExpressions;
using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed partial class HtmlReportWriterTests
{
    [GeneratedRegex("""https?://[^\s"'<>)]+""")]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex("""<figure[^>]*data-plot="([^"]+)"[^>]*>\s*<svg""")]
    private static partial Regex FigureWithInlineSvg();

    [Fact]
    public void Every_figure_is_a_data_plot_figure_with_inline_svg()
    {
        var doc = SampleReport.Create();

        string html = HtmlReportWriter.Render(doc);

        var ids = FigureWithInlineSvg().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(doc.Figures.Select(f => f.Plot.Id), ids);
        Assert.Equal(ids.Count, Regex.Matches(html, "<figure").Count);
        Assert.Equal(ids.Count, Regex.Matches(html, "<figcaption>").Count);
        Assert.DoesNotContain("<?xml", html);
    }

    [Fact]
    public void Html_references_no_external_resources()
    {
        string html = HtmlReportWriter.Render(SampleReport.Create());

        var urls = AbsoluteUrl().Matches(html).Select(m => m.Value).Distinct().ToList();
        Assert.Equal(["http://www.w3.org/2000/svg"], urls);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(http", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Html_is_a_complete_document_with_contents_and_sections()
    {
        var doc = SampleReport.Create();

        string html = HtmlReportWriter.Render(doc);

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
        Assert.Contains("<style>", html);
        foreach (var section in doc.Sections)
        {
            Assert.Contains($"<section id=\"{section.Id}\">", html);
            Assert.Contains($"<a href=\"#{section.Id}\">", html);
        }
    }

    [Fact]
    public void Text_is_escaped_and_inline_markup_converted()
    {
        var doc = new ReportDocument("A <b> & C");
        var section = doc.AddSection("s", "Sec");
        section.AddIntro("Use **bold** and `x < y` here.");
        section.AddTable(TableColumn.Text("Name"), TableColumn.Numeric("Value"))
               .AddRow("<script>", TableCell.Number(2.5, status: CellStatus.Bad));
        section.AddClaims().Add("claim", "evidence", ClaimVerdict.DoesNotHold);
        section.AddNote(NoteKind.Warning, "careful");

        string html = HtmlReportWriter.Render(doc);

        Assert.Contains("<title>A &lt;b&gt; &amp; C</title>", html);
        Assert.Contains("Use <strong>bold</strong> and <code>x &lt; y</code> here.", html);
        Assert.Contains("<td>&lt;script&gt;</td>", html);
        Assert.Contains("<td class=\"num s-bad\" title=\"bad\">2.50</td>", html);
        Assert.Contains("class=\"badge badge-does-not-hold\"", html);
        Assert.Contains("callout-warning", html);
    }

    [Fact]
    public void Duplicate_figure_ids_are_rejected()
    {
        var doc = new ReportDocument("T");
        doc.AddSection("a", "A").AddFigure(new PlotSpec("same", "x"), "c");
        doc.AddSection("b", "B").AddFigure(new PlotSpec("same", "y"), "c");

        var error = Assert.Throws<InvalidOperationException>(() => HtmlReportWriter.Render(doc));
        Assert.Contains("same", error.Message);
    }

    [Fact]
    public void Write_creates_the_file_atomically_without_leftovers()
    {
        string dir = Directory.CreateTempSubdirectory("gradscope-html-").FullName;
        try
        {
            string path = Path.Combine(dir, "nested", "report.html");
            HtmlReportWriter.Write(SampleReport.Create(), path);
            HtmlReportWriter.Write(SampleReport.Create(), path); // overwrite works

            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
            Assert.Equal(["report.html"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
