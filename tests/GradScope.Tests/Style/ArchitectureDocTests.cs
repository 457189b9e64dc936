using System.Reflection;
using System.Text.RegularExpressions;
using GradScope.Cli;
using GradScope.Networks;
using GradScope.Tests.Diagnostics;

namespace GradScope.Tests.Style;

/// <summary>
/// docs/ARCHITECTURE.md stays true: every type (and <c>Type.Member</c>) it writes in backticks or names in its data-flow
/// diagram exists in the GradScope assemblies, and every path it writes in backticks exists in the repository.
/// </summary>
public sealed partial class ArchitectureDocTests
{
    private const string Document = "docs/ARCHITECTURE.md";

    /// <summary>A type name, optionally generic (<c>Network&lt;T&gt;</c>), with members (<c>A.B</c>) and a call's arguments.</summary>
    [GeneratedRegex(@"^(?<path>[A-Z][A-Za-z0-9]*(?:<[A-Z, ]+>)?(?:\.[A-Z][A-Za-z0-9]*)*)(?:\(.*\))?$")]
    private static partial Regex TypeReference();

    /// <summary>In the diagram: words of two or more capitalised parts (DiagnosticsRunner), with members.</summary>
    [GeneratedRegex(@"(?<![\w.])[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+(?:<[A-Z]>)?(?:\.[A-Z][A-Za-z0-9]*)*")]
    private static partial Regex DiagramName();

    /// <summary>A repository path: folders with a slash, no spaces, wildcards or placeholders.</summary>
    [GeneratedRegex(@"^[A-Za-z][\w.\-]*(?:/[\w.\-]+)*/?$")]
    private static partial Regex PathReference();

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex Backticked();

    private static readonly Type[] Types =
        [.. new[] { typeof(ArchitectureSpec).Assembly, typeof(ExitCodes).Assembly, typeof(ArchitectureDocTests).Assembly }
            .SelectMany(a => a.GetTypes())];

    [Fact]
    public void Every_type_and_path_it_names_exists()
    {
        string root = JsonShape.RepositoryRoot();
        var (prose, diagram) = Split(File.ReadAllText(Path.Combine(root, Document)));
        var missing = new List<string>();
        int types = 0, paths = 0;
        foreach (Match m in Backticked().Matches(prose))
        {
            string text = m.Groups[1].Value;
            if (TypeReference().Match(text) is { Success: true } type)
            {
                types++;
                if (!Resolves(type.Groups["path"].Value)) missing.Add($"type `{text}`");
            }
            else if (text.Contains('/') && PathReference().IsMatch(text))
            {
                paths++;
                if (!PathExists(root, text)) missing.Add($"path `{text}`");
            }
        }
        foreach (Match m in DiagramName().Matches(diagram))
        {
            types++;
            if (!Resolves(m.Value)) missing.Add($"diagram name {m.Value}");
        }
        // Guards against a regex that silently stops matching: the page names dozens of each.
        Assert.True(types > 80 && paths > 15, $"only {types} type names and {paths} paths recognised in {Document}");
        Assert.True(missing.Count == 0, $"{Document} names what does not exist:\n" + string.Join("\n", missing.Distinct()));
    }

    [Theory]
    [InlineData("ArchitectureSpec", true)]
    [InlineData("ArchitectureSpec.Create", true)]
    [InlineData("Network<T>", true)]
    [InlineData("DataShape.FashionMnist", true)]
    [InlineData("ErrorPolicy", true)]
    [InlineData("ReportBuilder", false)]
    [InlineData("ArchitectureSpec.Parse", false)]
    public void Names_resolve_only_to_what_exists(string name, bool exists) => Assert.Equal(exists, Resolves(name));

    /// <summary>The prose with the fenced blocks removed, and the fenced blocks (the diagram).</summary>
    private static (string Prose, string Diagram) Split(string markdown)
    {
        var parts = markdown.Split("```");
        return (string.Join("\n", parts.Where((_, i) => i % 2 == 0)), string.Join("\n", parts.Where((_, i) => i % 2 == 1)));
    }

    /// <summary>The first part is a type of the assemblies; each further part a member or nested type of the previous.</summary>
    private static bool Resolves(string reference)
    {
        string[] parts = Regex.Replace(reference, "<.*?>", "").Split('.');
        var candidates = Types.Where(t => SimpleName(t) == parts[0]).ToList();
        return candidates.Any(t => MembersResolve(t, parts[1..]));
    }

    private static bool MembersResolve(Type type, string[] parts)
    {
        if (parts.Length == 0) return true;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
        string first = parts[0];
        if (type.GetNestedTypes(all).FirstOrDefault(n => SimpleName(n) == first) is { } nested)
            return MembersResolve(nested, parts[1..]);
        // A member ends the chain: what follows would be a member of its return type, not worth resolving here.
        return type.GetMember(first, all).Length > 0;
    }

    private static string SimpleName(Type type) => type.Name.Split('`')[0];

    /// <summary>
    /// Relative to the repository, to the library (<c>Networks/…</c>) or the command line (<c>Cli/…</c>), with or without .cs.
    /// </summary>
    private static bool PathExists(string root, string path)
    {
        string trimmed = path.TrimEnd('/');
        string[] bases =
        [
            root, Path.Combine(root, "src", "GradScope"),
            Path.Combine(root, "src", "GradScope.Cli"), Path.Combine(root, "src"),
        ];
        string relative = trimmed.StartsWith("Cli/", StringComparison.Ordinal) ? trimmed["Cli/".Length..] : trimmed;
        return bases.Any(b => Directory.Exists(Path.Combine(b, relative)) || File.Exists(Path.Combine(b, relative))
                              || File.Exists(Path.Combine(b, relative + ".cs")));
    }
}
