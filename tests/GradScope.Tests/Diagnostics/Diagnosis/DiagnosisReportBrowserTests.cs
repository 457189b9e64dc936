using System.Text.RegularExpressions;
using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Diagnostics.Diagnosis;
using GradScope.Networks;
using GradScope.Reporting;
using GradScope.Tensors;
using GradScope.Tests.Reporting;
using Xunit.Abstractions;

namespace GradScope.Tests.Diagnostics.Diagnosis;

/// <summary>
/// The analyze report with every plot kind, rendered in headless Chromium. A ResNet whose parameters were moved away
/// from θ⁰ (a stand-in for training) has all of them: GSC profile, collapse metrics, λ-profile, dilution, GSC matrix,
/// and the what-if table. Set GRADSCOPE_REPORT_ARTIFACTS to keep the HTML and the screenshot.
/// </summary>
public sealed partial class DiagnosisReportBrowserTests(ITestOutputHelper output)
{
    private static readonly string[] PlotIds =
        ["gsc-profile", "pre-activation-std", "sign-diversity", "pseudo-linearity", "lambda-profile", "dilution", "gsc-matrix"];

    [GeneratedRegex("""<figure[^>]*data-plot="(?<id>[^"]+)"[^>]*>\s*<svg.*?</svg>""", RegexOptions.Singleline)]
    private static partial Regex FigureWithSvg();

    [GeneratedRegex("""<(?:polyline|polygon|rect)[^>]*\s(?:points|width)="[^"]*\d[^"]*"|<path[^>]*\sd="[^"]*\d[^"]*" """,
        RegexOptions.Singleline)]
    private static partial Regex NonEmptyShape();

    internal static DiagnosisResult TrainedResNet()
    {
        var spec = ArchitectureSpec.Create("resnet-relu", DataShape.FashionMnist) with { LinearLayers = 9, Width = 12, InputDim = 10,
            Classes = 3, ResidualWeight = 2 };
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 5);
        var theta = theta0.Convert<double>();
        DiagTestUtil.Perturb(theta, 0.2, new Rng(9));
        var noise = GaussianNoise.Create(24, 10, 5, 3);
        var options = new DiagnosticsOptions { Matrix = true, Seed = 5, Epoch = 3 };
        return DiagnosisRunner.Run("resnet-relu", spec, theta, theta0, noise.Inputs.Convert<double>(), noise.Labels, options, whatIf: true);
    }

    [Fact]
    public void Document_has_diagnosis_first_and_every_plot()
    {
        var result = TrainedResNet();
        var document = DiagnosisDocument.Build([result]);
        Assert.Equal("diagnosis", document.Sections[0].Id);
        Assert.Equal("recommendations", document.Sections[1].Id);
        Assert.Equal(PlotIds, document.Figures.Select(f => f.Plot.Id));
        Assert.Contains(document.Sections, s => s.Id == "what-if");
        Assert.NotNull(result.Report.EffectiveDepth);
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.WeakDilution);
    }

    [Fact]
    public void Report_renders_in_headless_chromium_with_every_plot()
    {
        if (!HeadlessChromium.IsInstalled)
        {
            Assert.True(Environment.GetEnvironmentVariable("GRADSCOPE_REQUIRE_BROWSER") != "1",
                $"GRADSCOPE_REQUIRE_BROWSER=1 but {HeadlessChromium.ExecutablePath} is missing; run scripts/install-chromium.sh.");
            output.WriteLine($"Skipped: {HeadlessChromium.ExecutablePath} not installed.");
            return;
        }
        string dir = Environment.GetEnvironmentVariable("GRADSCOPE_REPORT_ARTIFACTS") is { Length: > 0 } keep
            ? Directory.CreateDirectory(keep).FullName
            : Directory.CreateTempSubdirectory("gradscope-diagnosis-").FullName;
        string htmlPath = Path.Combine(dir, "diagnosis.html");
        string pngPath = Path.Combine(dir, "diagnosis.png");
        HtmlReportWriter.Write(DiagnosisDocument.Build([TrainedResNet()]), htmlPath);
        string url = new Uri(htmlPath).AbsoluteUri;

        var dom = HeadlessChromium.Run(url, "--dump-dom");
        Assert.True(dom.ExitCode == 0, $"chromium --dump-dom exited {dom.ExitCode}: {dom.StdErr}");
        Assert.DoesNotContain("Uncaught", dom.StdErr);
        var figures = FigureWithSvg().Matches(dom.StdOut).ToDictionary(m => m.Groups["id"].Value, m => m.Value);
        foreach (string id in PlotIds)
        {
            Assert.True(figures.TryGetValue(id, out string? figure), $"figure '{id}' with inline <svg> missing from the DOM");
            Assert.Matches(NonEmptyShape(), figure);
        }
        Assert.True(dom.StdOut.IndexOf("Diagnosis", StringComparison.Ordinal) < dom.StdOut.IndexOf("data-plot", StringComparison.Ordinal),
            "the diagnosis must come before the plots");

        if (File.Exists(pngPath)) File.Delete(pngPath);
        var shot = HeadlessChromium.Run(url, $"--screenshot={pngPath}", "--window-size=1200,3000");
        Assert.True(shot.ExitCode == 0, $"chromium --screenshot exited {shot.ExitCode}: {shot.StdErr}");
        var png = PngProbe.Decode(pngPath);
        double foreground = png.ForegroundFraction();
        int colours = png.DistinctColours();
        output.WriteLine($"Screenshot {pngPath}: {foreground:P1} foreground pixels, {colours} distinct colours.");
        Assert.True(foreground > 0.02, $"screenshot looks blank: only {foreground:P2} non-background pixels");
        Assert.True(colours > 200, $"screenshot looks blank: only {colours} distinct colours");
    }
}
