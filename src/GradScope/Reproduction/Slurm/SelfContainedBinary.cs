namespace GradScope.Reproduction;

/// <summary>
/// A self-contained <c>gradscope</c> for compute nodes without the .NET SDK: this process's own directory when it already
/// is a self-contained publish, else <c>dotnet publish -r linux-x64 --self-contained</c> of the source checkout it runs from.
/// </summary>
public static class SelfContainedBinary
{
    public const string ExecutableName = "GradScope.Cli";
    private const string CliProject = "src/GradScope.Cli/GradScope.Cli.csproj";

    /// <summary>Publishes (or copies) into <paramref name="directory"/> unless it already holds one; returns the executable.</summary>
    public static string Ensure(string directory, Action<string> log)
    {
        string executable = Path.Combine(directory, ExecutableName);
        if (File.Exists(executable))
        {
            log($"using the gradscope already published in {directory}");
            return executable;
        }
        string here = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(here, "libcoreclr.so")) && File.Exists(Path.Combine(here, ExecutableName)))
        {
            log($"copying this self-contained gradscope to {directory}");
            CopyDirectory(here, directory);
            return executable;
        }
        string project = FindProject(here) ?? throw new ArgumentException(
            "this gradscope is neither self-contained nor run from a source checkout; pass --binary with a self-contained gradscope.");
        log($"publishing a self-contained gradscope into {directory} (dotnet publish -r linux-x64, once per output directory)");
        var run = ProcessRunner.Run("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", directory,
            "-nologo", "-v", "quiet"], TimeSpan.FromMinutes(15));
        if (run.ExitCode != 0 || !File.Exists(executable))
            throw new InvalidOperationException($"dotnet publish failed: {(run.StdOut + run.StdErr).Trim().Split('\n')[0]}");
        return executable;
    }

    private static string? FindProject(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, CliProject))) return Path.Combine(dir.FullName, CliProject);
        return null;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
