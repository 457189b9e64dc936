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
    private const string GoldenShapeFile = "tests/GradScope.Tests/Diagnostics/diagnostics-report.shape.txt";
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
        var shape = Shape(JsonNode.Parse(FullReport().ToJson()));
        string path = Path.Combine(RepositoryRoot(), GoldenShapeFile);
        // On an intended schema change: bump DiagnosticsReport.CurrentSchemaVersion, update the doc and regenerate the golden
        // file by running this test once with GRADSCOPE_UPDATE_GOLDEN=1.
        if (Environment.GetEnvironmentVariable("GRADSCOPE_UPDATE_GOLDEN") == "1")
            File.WriteAllLines(path, [File.ReadLines(path).First(), .. shape]);
        var golden = File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(golden, shape);
    }

    [Fact]
    public void Every_field_of_the_json_shape_is_documented()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), SchemaDoc));
        var names = Shape(JsonNode.Parse(FullReport().ToJson()))
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

    /// <summary>"path: type" lines, sorted; array elements share the path <c>[]</c>; a leaf seen with several types lists them.</summary>
    private static List<string> Shape(JsonNode? root)
    {
        var types = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Walk(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o) Walk(value, $"{path}.{key}");
                    break;
                case JsonArray a:
                    if (a.Count == 0) Add(path, "empty-array");
                    foreach (var item in a) Walk(item, path + "[]");
                    break;
                case null:
                    Add(path, "null");
                    break;
                default:
                    var kind = node.GetValueKind();
                    Add(path, kind switch
                    {
                        JsonValueKind.Number => "number",
                        JsonValueKind.True or JsonValueKind.False => "bool",
                        // Non-finite numbers are written as named literals.
                        JsonValueKind.String when node.GetValue<string>() is "NaN" or "Infinity" or "-Infinity" => "number",
                        _ => "string",
                    });
                    break;
            }
        }
        void Add(string path, string type)
        {
            if (!types.TryGetValue(path, out var set)) types[path] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(type);
        }
        Walk(root, "");
        return [.. types.Select(t => $"{t.Key}: {string.Join("|", t.Value)}")];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GradScope.slnx"))) return dir.FullName;
        throw new InvalidOperationException("GradScope.slnx not found above the test binaries.");
    }
}
