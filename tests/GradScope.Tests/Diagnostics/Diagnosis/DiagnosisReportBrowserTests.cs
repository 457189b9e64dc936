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
public sealed class DiagnosisReportBrowserTests(ITestOutputHelper output)
{
    private static readonly string[] PlotIds =
        ["gsc-profile", "pre-activation-std", "sign-diversity", "pseudo-linearity", "lambda-profile", "dilution", "gsc-matrix"];

    internal static DiagnosisResult TrainedResNet()
    {
        var spec = ArchitectureSpec.Create("resnet-relu", new DataShape(10, 3),
            new NetworkSizes { LinearLayers = 9, Width = 12, ResidualWeight = 2 });
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
        if (!HeadlessChromiumChecks.Available(output)) return;
        string dir = HeadlessChromiumChecks.ArtifactDirectory("gradscope-diagnosis-");
        string htmlPath = Path.Combine(dir, "diagnosis.html");
        HtmlReportWriter.Write(DiagnosisDocument.Build([TrainedResNet()]), htmlPath);
        string url = new Uri(htmlPath).AbsoluteUri;

        string dom = HeadlessChromiumChecks.DumpDom(url);
        // The GSC matrix is a heat map: its cells are rectangles.
        HeadlessChromiumChecks.AssertFiguresDrawn(dom, PlotIds, HeadlessChromiumChecks.DrawnShapeOrCell());
        Assert.True(dom.IndexOf("Diagnosis", StringComparison.Ordinal) < dom.IndexOf("data-plot", StringComparison.Ordinal),
            "the diagnosis must come before the plots");
        HeadlessChromiumChecks.AssertScreenshotNotBlank(url, Path.Combine(dir, "diagnosis.png"), output);
    }
}
