using System.ComponentModel;
using System.Text.Json;
using GradScope.IO;

namespace GradScope.Reproduction;

/// <summary>The ids of one submission, kept in <c>slurm/submission.json</c> so <c>gradscope status</c> knows the task count.</summary>
public sealed record SlurmSubmission(int Tasks, string ArrayJobId, string ReportJobId, DateTimeOffset Submitted)
{
    public const string FileName = "submission.json";

    public static string PathIn(string root) => Path.Combine(root, "slurm", FileName);

    public void Write(string root) => AtomicFile.WriteAllText(PathIn(root), JsonSerializer.Serialize(this, JsonDefaults.Options));

    public static SlurmSubmission? Read(string root)
    {
        string path = PathIn(root);
        if (!File.Exists(path)) return null;
        SlurmSubmission? submission;
        try { submission = JsonSerializer.Deserialize<SlurmSubmission>(File.ReadAllText(path), JsonDefaults.Options); }
        catch (JsonException e) { throw Corrupt(path, e.Message); }
        // Grouping by a wrong task count would show a plausible but false table: a bad record is an error, never a default.
        if (submission is null || submission.Tasks < 1) throw Corrupt(path, "it holds no task count of at least 1");
        return submission;
    }

    private static InvalidDataException Corrupt(string path, string reason)
    {
        string line = reason.Split('\n')[0].Trim();
        return new InvalidDataException($"{path} is not a valid submission record ({line}); pass --tasks N, or delete the file.");
    }
}

/// <summary>Talks to Slurm through its own commands (sbatch, scontrol): no home-made scheduler.</summary>
public static class SlurmClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Throws a one-line error when sbatch is missing or the partition is unknown; nothing is submitted then.</summary>
    public static void CheckAvailable(string? partition)
    {
        if (!ProcessRunner.IsOnPath("sbatch"))
            throw new ArgumentException("--slurm needs sbatch on PATH (run on a Slurm login node; --dry-run prints the plan and scripts).");
        if (partition is null) return;
        var show = Run("scontrol", ["show", "partition", partition]);
        if (show.ExitCode != 0)
            throw new ArgumentException($"unknown Slurm partition '{partition}' ({FirstLine(show.StdErr + show.StdOut)}); see sinfo -s.");
    }

    /// <summary>Submits a script with <c>sbatch --parsable</c> and returns the job id.</summary>
    public static string Submit(string script, params string[] sbatchOptions)
    {
        var result = Run("sbatch", ["--parsable", .. sbatchOptions, script]);
        string id = result.StdOut.Trim().Split(';')[0];
        if (result.ExitCode != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new InvalidOperationException($"sbatch {Path.GetFileName(script)} failed: {FirstLine(result.StdErr + result.StdOut)}");
        return id;
    }

    private static ProcessResult Run(string program, IReadOnlyList<string> args)
    {
        try { return ProcessRunner.Run(program, args, Timeout); }
        catch (Win32Exception) { throw new ArgumentException($"{program} is not on PATH; --slurm needs the Slurm client commands."); }
    }

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();
}
