using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace GradScope.Tests.Reporting;

/// <summary>
/// The checks every browser test makes on a rendered page, written once: whether Chromium may be skipped, where the
/// page and screenshot go, the DOM without page errors, every figure drawn, a screenshot that is not blank.
/// </summary>
internal static partial class HeadlessChromiumChecks
{
    /// <summary>Set to a directory to keep the HTML and screenshots a browser test renders.</summary>
    public const string ArtifactsVariable = "GRADSCOPE_REPORT_ARTIFACTS";

    /// <summary>CI installs Chromium (scripts/install-chromium.sh) and sets this to 1: there a missing browser fails.</summary>
    public const string RequireVariable = "GRADSCOPE_REQUIRE_BROWSER";

    [GeneratedRegex("""<figure[^>]*data-plot="(?<id>[^"]+)"[^>]*>\s*<svg.*?</svg>""", RegexOptions.Singleline)]
    private static partial Regex FigureWithSvg();

    /// <summary>A line, area or path with at least one coordinate: what a drawn plot has and an empty frame lacks.</summary>
    [GeneratedRegex("""<(?:polyline|polygon)[^>]*\spoints="[^"]*\d[^"]*"|<path[^>]*\sd="[^"]*\d[^"]*" """, RegexOptions.Singleline)]
    public static partial Regex DrawnShape();

    /// <summary><see cref="DrawnShape"/> or a sized rectangle: heat maps draw their cells as rectangles.</summary>
    [GeneratedRegex("""<(?:polyline|polygon|rect)[^>]*\s(?:points|width)="[^"]*\d[^"]*"|<path[^>]*\sd="[^"]*\d[^"]*" """,
        RegexOptions.Singleline)]
    public static partial Regex DrawnShapeOrCell();

    /// <summary>
    /// False when Chromium is not installed and the test should end early (developer machines without it keep a
    /// green build); an assertion failure instead when <see cref="RequireVariable"/> demands the browser.
    /// </summary>
    public static bool Available(ITestOutputHelper output)
    {
        if (HeadlessChromium.IsInstalled) return true;
        Assert.True(Environment.GetEnvironmentVariable(RequireVariable) != "1",
            $"{RequireVariable}=1 but {HeadlessChromium.ExecutablePath} is missing; run scripts/install-chromium.sh.");
        output.WriteLine($"Browser check skipped: {HeadlessChromium.ExecutablePath} not installed.");
        return false;
    }

    /// <summary>The directory named by <see cref="ArtifactsVariable"/>, else a fresh temporary one.</summary>
    public static string ArtifactDirectory(string prefix) =>
        Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } keep
            ? Directory.CreateDirectory(keep).FullName
            : Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The DOM of <paramref name="url"/> after its scripts ran; fails on a Chromium error or a page error.</summary>
    public static string DumpDom(string url, params string[] flags)
    {
        var dom = HeadlessChromium.Run(url, ["--dump-dom", .. flags]);
        Assert.True(dom.ExitCode == 0, $"chromium --dump-dom exited {dom.ExitCode}: {dom.StdErr}");
        AssertNoPageErrors(dom.StdErr);
        return dom.StdOut;
    }

    /// <summary>
    /// Fails unless every figure of <paramref name="ids"/> holds an inline SVG with a shape matching <paramref name="drawn"/>.
    /// </summary>
    public static void AssertFiguresDrawn(string dom, IEnumerable<string> ids, Regex drawn)
    {
        var figures = FigureWithSvg().Matches(dom).ToDictionary(m => m.Groups["id"].Value, m => m.Value);
        foreach (string id in ids)
        {
            Assert.True(figures.TryGetValue(id, out string? figure), $"figure '{id}' with inline <svg> missing from the DOM");
            Assert.True(drawn.IsMatch(figure), $"figure '{id}' has an <svg> but nothing drawn in it");
        }
    }

    /// <summary>
    /// Screenshots <paramref name="url"/> at 1200 × 3000 into <paramref name="pngPath"/> and fails when the page looks blank.
    /// A blank page is ~0 % foreground with a handful of colours; a page of text, tables and coloured plots easily
    /// exceeds both thresholds (measured: several percent and thousands of colours).
    /// </summary>
    public static PngProbe AssertScreenshotNotBlank(string url, string pngPath, ITestOutputHelper output)
    {
        if (File.Exists(pngPath)) File.Delete(pngPath);
        var shot = HeadlessChromium.Run(url, $"--screenshot={pngPath}", "--window-size=1200,3000");
        Assert.True(shot.ExitCode == 0, $"chromium --screenshot exited {shot.ExitCode}: {shot.StdErr}");
        AssertNoPageErrors(shot.StdErr);
        Assert.True(File.Exists(pngPath), "screenshot was not written");
        var png = PngProbe.Decode(pngPath);
        double foreground = png.ForegroundFraction();
        int colours = png.DistinctColours();
        output.WriteLine($"Screenshot {pngPath}: {foreground:P1} foreground pixels, {colours} distinct colours.");
        Assert.True(foreground > 0.02, $"screenshot looks blank: only {foreground:P2} non-background pixels");
        Assert.True(colours > 200, $"screenshot looks blank: only {colours} distinct colours");
        return png;
    }

    /// <summary>Console messages and uncaught page errors reach stderr (<c>--enable-logging=stderr</c>).</summary>
    public static void AssertNoPageErrors(string stderr) =>
        Assert.False(stderr.Contains("Uncaught", StringComparison.Ordinal), "page error in Chromium log:\n" + stderr);
}
