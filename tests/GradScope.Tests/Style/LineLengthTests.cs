using System.Text;
using GradScope.Tests.Diagnostics;

namespace GradScope.Tests.Style;

/// <summary>
/// No line of C# (or of a code block in Markdown) under src/, tests/ or bench/ is longer than 140 characters, the limit
/// of the team's style rules: longer lines are cut off in side-by-side diffs and review tools.
/// </summary>
public class LineLengthTests
{
    public const int MaxLength = 140;

    /// <summary>
    /// TEMPORARY: files other engineers were still shortening when this test was written (their areas, in parallel
    /// branches). The lead empties this list once every branch is merged; a file leaves it as soon as it is fixed.
    /// </summary>
    private static readonly HashSet<string> NotYetFixed =
    [
        // speed
        "src/GradScope.Cli/Commands/BenchCommand.cs",
        "src/GradScope/Benchmarks/SyntheticTrainingStep.cs",
        "src/GradScope/Diagnostics/CollapseMetrics.cs",
        "src/GradScope/Diagnostics/GradientScale.cs",
        "src/GradScope/Diagnostics/JacobianTools.cs",
        "src/GradScope/Diagnostics/Jvp.cs",
        "src/GradScope/Diagnostics/ResidualTrick.cs",
        "src/GradScope/Layers/Activations.cs",
        "src/GradScope/Layers/Layer.cs",
        "src/GradScope/Networks/Block.cs",
        "src/GradScope/Tensors/Matrix.cs",
        "tests/GradScope.Tests/Diagnostics/CollapseTests.cs",
        "tests/GradScope.Tests/Diagnostics/ResidualTrickTests.cs",
        "tests/GradScope.Tests/Layers/LayerGradientTests.cs",
        "tests/GradScope.Tests/Networks/NetworkGradientTests.cs",
        // reliab
        "src/GradScope.Cli/Commands/DataLoading.cs",
        "src/GradScope.Cli/Commands/EvaluateCommand.cs",
        "src/GradScope.Cli/Commands/ReportCommand.cs",
        "src/GradScope.Cli/Commands/TrainCommand.cs",
        "src/GradScope.Cli/Commands/TrainingProgress.cs",
        "src/GradScope/Data/Cifar10Reader.cs",
        "src/GradScope/Data/IdxFileSet.cs",
        "src/GradScope/Data/Standardizer.cs",
        "src/GradScope/IO/NpyHeader.cs",
        "src/GradScope/IO/SafeTensorsHeader.cs",
        "tests/GradScope.Tests/Cli/AnalyzeCommandTests.cs",
        "tests/GradScope.Tests/Cli/TrainCommandTests.cs",
        "tests/GradScope.Tests/IO/NpyTests.cs",
        "tests/GradScope.Tests/IO/SafeTensorsTests.cs",
    ];

    [Fact]
    public void No_source_line_is_longer_than_140_characters()
    {
        string root = JsonShape.RepositoryRoot();
        var offending = new StringBuilder();
        int files = 0;
        foreach (string path in SourceFiles(root))
        {
            files++;
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (NotYetFixed.Contains(relative)) continue;
            foreach (var (number, length) in LongLines(path, MaxLength))
                offending.AppendLine($"{relative}:{number}: {length} characters");
        }
        Assert.True(files > 100, $"only {files} source files found under {root}: the search is broken");
        Assert.True(offending.Length == 0, $"lines over {MaxLength} characters:\n{offending}");
    }

    [Fact]
    public void Long_lines_are_found_in_code_and_in_markdown_code_blocks_only()
    {
        string dir = Directory.CreateTempSubdirectory("gradscope-style-").FullName;
        try
        {
            string cs = Path.Combine(dir, "A.cs");
            File.WriteAllLines(cs, ["short", new string('x', MaxLength), new string('y', MaxLength + 1)]);
            Assert.Equal([(3, MaxLength + 1)], LongLines(cs, MaxLength));
            string md = Path.Combine(dir, "README.md");
            File.WriteAllLines(md, [new string('p', 200), "```sh", new string('c', 150), "```", new string('p', 200)]);
            Assert.Equal([(3, 150)], LongLines(md, MaxLength));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static IEnumerable<string> SourceFiles(string root) =>
        new[] { "src", "tests", "bench" }
            .Select(d => Path.Combine(root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal))
            // Build output holds generated code (the ONNX protobuf classes) that nobody writes by hand.
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or "BenchmarkDotNet.Artifacts"));

    /// <summary>
    /// Line numbers and lengths (in UTF-16 characters, which is what editors show for this text) of the lines longer than
    /// <paramref name="max"/>: every line of a .cs file, only fenced code lines of a .md file (prose wraps on its own).
    /// </summary>
    private static List<(int Line, int Length)> LongLines(string path, int max)
    {
        bool markdown = path.EndsWith(".md", StringComparison.Ordinal);
        bool inFence = false;
        var found = new List<(int, int)>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (markdown && line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inFence = !inFence; continue; }
            if ((!markdown || inFence) && line.Length > max) found.Add((number, line.Length));
        }
        return found;
    }
}
