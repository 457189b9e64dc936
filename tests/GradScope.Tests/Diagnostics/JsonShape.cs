using System.Text.Json;
using System.Text.Json.Nodes;

namespace GradScope.Tests.Diagnostics;

/// <summary>The shape of a JSON document (every path with its JSON types), for schema tests against a golden file.</summary>
internal static class JsonShape
{
    /// <summary>The checked-in shape of a full diagnostics report (DiagnosticsSchemaTests).</summary>
    public const string DiagnosticsReportGolden = "tests/GradScope.Tests/Diagnostics/diagnostics-report.shape.txt";

    /// <summary>The golden lines (comments dropped).</summary>
    public static List<string> Golden(string relativePath) =>
        [.. File.ReadAllLines(Path.Combine(RepositoryRoot(), relativePath)).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>"path: type" lines, sorted; array elements share the path <c>[]</c>; a leaf seen with several types lists them.</summary>
    public static List<string> Of(JsonNode? root)
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

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GradScope.slnx"))) return dir.FullName;
        throw new InvalidOperationException("GradScope.slnx not found above the test binaries.");
    }
}
