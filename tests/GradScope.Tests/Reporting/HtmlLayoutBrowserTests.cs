using System.Text.RegularExpressions;
using GradScope.Reporting;
using Xunit.Abstractions;

namespace GradScope.Tests.Reporting;

/// <summary>
/// Layout checks in real headless Chromium: a wide table must scroll inside its own box, never widen the page, and
/// its caption must wrap to the column. A small script (added to a copy of the page, the report itself has none)
/// measures the laid-out page and writes the numbers into the DOM that <c>--dump-dom</c> returns.
/// </summary>
public sealed partial class HtmlLayoutBrowserTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"data-layout=""(?<page>\d+) (?<view>\d+) (?<wrapScroll>\d+) (?<wrapClient>\d+) (?<caption>\d+) (?<main>\d+) """)]
    private static partial Regex Layout();

    private const string Probe = """
        <script>
        addEventListener('load', () => {
          const wrap = document.querySelector('.table-wrap');
          const caption = document.querySelector('.table-caption');
          const main = document.querySelector('main');
          document.body.setAttribute('data-layout', [document.documentElement.scrollWidth, innerWidth,
            wrap.scrollWidth, wrap.clientWidth, Math.ceil(caption.getBoundingClientRect().width),
            Math.ceil(main.getBoundingClientRect().width)].join(' ') + ' ');
        });
        </script>
        """;

    private static ReportDocument WideTable()
    {
        var doc = new ReportDocument("Layout");
        var columns = Enumerable.Range(1, 14).Select(i => TableColumn.Numeric($"quantity number " +
            $"{i}")).Prepend(TableColumn.Text("Architecture")).ToArray();
        var table = doc.AddSection("s", "Wide").AddTable(columns)
            .WithCaption("A caption long enough to wrap: " + string.Concat(Enumerable.Repeat("every column of this table holds a number " +
                "with its seed range. ", 6)));
        for (int r = 0; r < 5; r++)
            table.AddRow([new TableCell("resnet-batch-relu"), .. Enumerable.Range(1, 14).Select(_ => new TableCell("12.3 % (11.9–12.7 " +
                "%)"))]);
        return doc;
    }

    [Theory]
    [InlineData(1400)]
    [InlineData(800)]
    public void Wide_table_scrolls_inside_its_box_and_its_caption_wraps(int viewport)
    {
        if (!HeadlessChromiumChecks.Available(output)) return;
        string dir = Directory.CreateTempSubdirectory("gradscope-layout-").FullName;
        string path = Path.Combine(dir, "report.html");
        File.WriteAllText(path, HtmlReportWriter.Render(WideTable()).Replace("</body>", Probe + "</body>", StringComparison.Ordinal));

        string dom;
        try { dom = HeadlessChromiumChecks.DumpDom(new Uri(path).AbsoluteUri, $"--window-size={viewport},900"); }
        finally { Directory.Delete(dir, recursive: true); }
        var m = Layout().Match(dom);
        Assert.True(m.Success, "layout probe did not run");
        int Value(string name) => int.Parse(m.Groups[name].Value, System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"viewport {viewport}: page {Value("page")}, table {Value("wrapScroll")} in a {Value("wrapClient")} box, " +
            $"caption {Value("caption")}, column {Value("main")}");
        Assert.True(Value("page") <= Value("view"), "the page scrolls sideways: a table widened it");
        Assert.True(Value("wrapScroll") > Value("wrapClient"), "the test table should be wider than its box");
        Assert.True(Value("caption") <= Value("main"), "the caption runs wider than the column");
    }
}
