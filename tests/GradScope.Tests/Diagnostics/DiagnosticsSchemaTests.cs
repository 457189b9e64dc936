using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

/// <summary>
/// The one diagnostics result type and its documented JSON schema (docs/diagnostics-schema.md): it round-trips, its shape
/// is pinned by a checked-in golden file, and every field of that shape is documented.
/// </summary>
public class DiagnosticsSchemaTests
{
    private const string GoldenShapeFile = JsonShape.DiagnosticsReportGolden;
    private const string SchemaDoc = "docs/diagnostics-schema.md";

    /// <summary>A report with every optional section: matrix, dilution, residual trick per block, Taylor experiment.</summary>
    private static DiagnosticsReport FullReport()
    {
        var spec = Small("resnet-batch-relu", depth: 5, width: 6, input: 5, classes: 3);
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 2);
        var theta = theta0.Clone();
        Perturb(theta, 0.2, new Rng(3));
        var rng = new Rng(4);
        var x = GradientCheck.RandomMatrix(8, 5, rng);
        var labels = RandomLabels(8, 3, rng);
        var report = DiagnosticsRunner.Analyze(spec, theta, theta0, x, labels, new DiagnosticsOptions
        {
            Matrix = true,
            ProfileMode = JacobianMode.Hutchinson,
            ResidualTrickOptions = new ResidualTrickOptions { PerBlock = true },
            Seed = 42,
            Epoch = 3,
        });
        return report with { Taylor = TaylorExperiment.Run(network, theta, theta0, x, labels) };
    }

    [Fact]
    public void A_report_survives_serialise_and_deserialise_unchanged()
    {
        var report = FullReport();
        string json = report.ToJson();
        var back = DiagnosticsReport.FromJson(json);
        Assert.Equivalent(report, back, strict: true);
        Assert.Equal(json, back.ToJson());
        // metrics.jsonl writes the same object on one line.
        Assert.Equal(json, DiagnosticsReport.FromJson(report.ToJson(indented: false)).ToJson());
        Assert.All(report.Gsc.Profile, p => Assert.True(p.StandardError > 0, "Hutchinson profile entries carry a standard error"));
    }

    [Fact]
    public void Json_shape_matches_the_checked_in_golden_file()
    {
        var shape = JsonShape.Of(JsonNode.Parse(FullReport().ToJson()));
        string path = Path.Combine(JsonShape.RepositoryRoot(), GoldenShapeFile);
        // On an intended schema change: bump DiagnosticsReport.CurrentSchemaVersion, update the doc and regenerate the golden
        // file by running this test once with GRADSCOPE_UPDATE_GOLDEN=1.
        if (Environment.GetEnvironmentVariable("GRADSCOPE_UPDATE_GOLDEN") == "1")
            File.WriteAllLines(path, [File.ReadLines(path).First(), .. shape]);
        Assert.Equal(JsonShape.Golden(GoldenShapeFile), shape);
    }

    [Fact]
    public void Every_field_of_the_json_shape_is_documented()
    {
        string doc = File.ReadAllText(Path.Combine(JsonShape.RepositoryRoot(), SchemaDoc));
        var names = JsonShape.Of(JsonNode.Parse(FullReport().ToJson()))
            .SelectMany(line => Regex.Matches(line.Split(':')[0], "[a-z0-9_]+").Select(m => m.Value))
            .Distinct();
        foreach (string name in names)
            Assert.True(Regex.IsMatch(doc, $@"[`{{,. ]{name}[,}}`\[]"), $"{SchemaDoc} does not document `{name}`");
        Assert.Contains($"Schema version **{DiagnosticsReport.CurrentSchemaVersion}**", doc);
    }

    [Fact]
    public void Collapse_is_averaged_once_per_position()
    {
        var report = FullReport();
        var byPosition = report.CollapseByPosition();
        Assert.Equal(report.Blocks, byPosition.Count);
        var unit = report.Collapse.Where(c => c.Position == 1).ToList();
        Assert.Equal(2, unit.Count); // a residual unit of m = 2 holds two nonlinearities
        Assert.Equal(unit.Average(c => c.SignDiversityMean), byPosition[0].SignDiversity, 15);
        Assert.Equal(unit.Min(c => c.PreActivationStdMin), byPosition[0].PreActivationStdMin, 15);
    }
}
