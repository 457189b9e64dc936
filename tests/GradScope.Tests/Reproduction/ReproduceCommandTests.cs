using System.Text.RegularExpressions;
using GradScope.Cli;
using GradScope.Tests.Cli;
using GradScope.Reproduction;
using GradScope.Tests.Data;
using GradScope.Tests.Reporting;
using Xunit.Abstractions;

namespace GradScope.Tests.Reproduction;

/// <summary>
/// Runs the real command lines (<c>gradscope reproduce --preset tiny</c> with the diagnostics library, then
/// <c>gradscope report</c>) and opens the report in headless Chromium: every plot present and non-empty.
/// </summary>
public sealed partial class ReproduceCommandTests(ITestOutputHelper output)
{
    [GeneratedRegex("data-plot=\"(?<id>[^\"]+)\"")]
    private static partial Regex PlotId();

    [Fact]
    public void Tiny_reproduce_writes_a_report_that_renders_in_headless_chromium()
    {
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "out");
        var run = CliHarness.Run("reproduce", "--preset", "tiny", "--out", root);
        output.WriteLine(run.Output);
        run.ExpectSuccess();
        string html = Path.Combine(root, ReproductionReport.HtmlFile);
        Assert.Contains("estimated time", run.Output);
        Assert.EndsWith($"report: {html}", run.Output.TrimEnd());
        Assert.Contains("0 failed", run.Output);

        // The real diagnostics produce every number: no study table shows "missing".
        Assert.DoesNotContain("No data yet", File.ReadAllText(html));
        foreach (string csv in Directory.GetFiles(Path.Combine(root, ReproductionReport.StudiesDirectory), "*.csv"))
            Assert.DoesNotContain("missing", File.ReadAllText(csv));

        var rerun = CliHarness.Run("report", root).ExpectSuccess();
        Assert.Contains("33 of 33 cells finished", rerun.Output);

        if (!HeadlessChromiumChecks.Available(output)) return;
        var ids = PlotId().Matches(File.ReadAllText(html)).Select(m => m.Groups["id"].Value).ToList();
        Assert.True(ids.Count >= 15, $"only {ids.Count} plots in the report");
        string url = new Uri(html).AbsoluteUri;
        HeadlessChromiumChecks.AssertFiguresDrawn(HeadlessChromiumChecks.DumpDom(url), ids, HeadlessChromiumChecks.DrawnShape());
        HeadlessChromiumChecks.AssertScreenshotNotBlank(url, Path.Combine(dir.Path, "report.png"), output);
    }

    [Fact]
    public void Report_of_a_directory_without_a_sweep_is_a_one_line_error()
    {
        using var dir = new TempDirectory();
        var run = CliHarness.Run("report", dir.Path).ExpectExit(ExitCodes.InvalidArguments);
        Assert.Contains("sweep.json is missing", run.Error);
    }

    [Fact]
    public void Bad_shard_and_unknown_study_are_one_line_errors()
    {
        CliHarness.Run("reproduce", "--preset", "tiny", "--shard", "3/2").ExpectExit(ExitCodes.InvalidArguments);
        var bad = CliHarness.Run("reproduce", "--preset", "tiny", "--studies", "init,nonsense").ExpectExit(ExitCodes.InvalidArguments);
        Assert.Contains("Unknown study 'nonsense'", bad.Error);
    }
}
