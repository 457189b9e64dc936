using GradScope.Reporting;
using Xunit.Abstractions;

namespace GradScope.Tests.Reporting;

/// <summary>
/// Renders the sample report in real headless Chromium: the only way to know the HTML, CSS and inline
/// SVG actually display. Set GRADSCOPE_REPORT_ARTIFACTS to a directory to keep the HTML and screenshot.
/// </summary>
public sealed class HtmlReportBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public void Sample_report_renders_in_headless_chromium()
    {
        if (!HeadlessChromiumChecks.Available(output)) return;
        string dir = HeadlessChromiumChecks.ArtifactDirectory("gradscope-report-");
        string htmlPath = Path.Combine(dir, "report.html");
        HtmlReportWriter.Write(SampleReport.Create(), htmlPath);
        string url = new Uri(htmlPath).AbsoluteUri;

        string dom = HeadlessChromiumChecks.DumpDom(url);
        HeadlessChromiumChecks.AssertFiguresDrawn(dom, SampleReport.FigureIds, HeadlessChromiumChecks.DrawnShape());
        var png = HeadlessChromiumChecks.AssertScreenshotNotBlank(url, Path.Combine(dir, "report.png"), output);
        Assert.Equal((1200, 3000), (png.Width, png.Height));
    }
}
