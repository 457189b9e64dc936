using System.Reflection;
using System.Text.RegularExpressions;
using GradScope.Cli;
using GradScope.Tests.Fuzz;

namespace GradScope.Tests.Cli;

/// <summary>docs/exit-codes.md stays true to the code: its codes are ExitCodes' values, and every test it cites exists.</summary>
public partial class ExitCodesDocumentationTests
{
    private static readonly string Document = File.ReadAllText(Locate("docs/exit-codes.md"));

    [GeneratedRegex(@"^\|\s*(\d+)\s*\|", RegexOptions.Multiline)]
    private static partial Regex CodeRow();

    [GeneratedRegex(@"`([A-Z][A-Za-z0-9]*Tests)\.([A-Za-z0-9_]+)`")]
    private static partial Regex TestReference();

    [Fact]
    public void Every_exit_code_is_documented_and_every_documented_code_exists()
    {
        var codes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetValue(null)!)
            .Order().ToList();
        var documented = CodeRow().Matches(Document)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(codes, documented);
        // The fuzz suite accepts exactly the documented codes but 70 (a bug is never an acceptable outcome).
        Assert.Equal(codes.Where(c => c != ExitCodes.Unexpected), CliAssert.Documented.Order());
    }

    [Fact]
    public void Every_test_named_in_the_coverage_table_exists()
    {
        var tests = typeof(ExitCodesDocumentationTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttributes<FactAttribute>().Any()).Select(m => $"{t.Name}.{m.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var cited = TestReference().Matches(Document).Select(m => $"{m.Groups[1].Value}.{m.Groups[2].Value}").ToList();
        Assert.True(cited.Count >= 80, $"only {cited.Count} tests cited");
        Assert.All(cited, name => Assert.True(tests.Contains(name), $"docs/exit-codes.md cites {name}, which is not a test"));
        foreach (string section in new[] { "numbers from bad input", "options silently ignored", "crashes", "Ctrl+C", "lost work",
                     "unclear", "files of 2 GB and more" })
            Assert.Contains($"| {section}", Document);
    }

    private static string Locate(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
