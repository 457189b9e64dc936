using System.Globalization;
using System.Text;

namespace GradScope.Reproduction;

/// <summary>What the user asked Slurm for: one array task per shard plus the report job.</summary>
public sealed record SlurmJob
{
    public required string Preset { get; init; }
    /// <summary>The shared output directory (absolute).</summary>
    public required string Root { get; init; }
    /// <summary>The self-contained gradscope executable the compute nodes run (absolute).</summary>
    public required string Binary { get; init; }
    public int Tasks { get; init; } = 4;
    public string? Partition { get; init; }
    public TimeSpan? Time { get; init; }
    public int CpusPerTask { get; init; } = 1;
    public string? Memory { get; init; }
    public string? Account { get; init; }
    public IReadOnlyList<string> ExtraSbatchArgs { get; init; } = [];
    public string? DataDirectory { get; init; }
    public string? Studies { get; init; }

    public string SlurmDirectory => Path.Combine(Root, "slurm");
    public string ArrayScriptPath => Path.Combine(SlurmDirectory, "reproduce.sbatch");
    public string ReportScriptPath => Path.Combine(SlurmDirectory, "report.sbatch");
    public string LogDirectory => Path.Combine(SlurmDirectory, "logs");

    /// <summary>The job array: task i runs shard i/N of the sweep into the shared directory, without the report.</summary>
    public string ArrayScript()
    {
        var text = Header($"gradscope-{Preset}", "reproduce-%A_%a.out");
        text.AppendLine($"#SBATCH --array=1-{Tasks}");
        text.AppendLine("#SBATCH --requeue");
        text.AppendLine("set -euo pipefail");
        text.AppendLine();
        text.AppendLine("# Task i runs slice i/N; finished cells are skipped and claimed cells are never run twice, so a requeued or");
        text.AppendLine("# resubmitted task only runs what is unfinished.");
        var args = new List<string> { Quote(Binary), "reproduce", "--preset", Quote(Preset), "--out", Quote(Root),
            "--shard", $"\"${{SLURM_ARRAY_TASK_ID}}/{Tasks}\"", "--jobs", CpusPerTask.ToString(CultureInfo.InvariantCulture),
            "--no-report" };
        if (DataDirectory is not null) args.AddRange(["--data", Quote(DataDirectory)]);
        if (Studies is not null) args.AddRange(["--studies", Quote(Studies)]);
        text.AppendLine("exec " + string.Join(' ', args));
        return text.ToString();
    }

    /// <summary>The report job, submitted with --dependency=afterany on the array: it runs even when some tasks failed.</summary>
    public string ReportScript()
    {
        var text = Header($"gradscope-{Preset}-report", "report-%j.out");
        text.AppendLine("set -euo pipefail");
        text.AppendLine();
        text.AppendLine($"exec {Quote(Binary)} report {Quote(Root)}");
        return text.ToString();
    }

    /// <remarks>sbatch reads #SBATCH lines only up to the first command, so callers add theirs after all of them.</remarks>
    private StringBuilder Header(string name, string log)
    {
        var text = new StringBuilder();
        text.AppendLine("#!/bin/bash");
        text.AppendLine($"# Written by gradscope reproduce --slurm; resubmit with: sbatch {Path.GetFileName(ArrayScriptPath)}");
        text.AppendLine($"#SBATCH --job-name={name}");
        text.AppendLine($"#SBATCH --output={Path.Combine(LogDirectory, log)}");
        text.AppendLine("#SBATCH --open-mode=append");
        text.AppendLine($"#SBATCH --cpus-per-task={CpusPerTask}");
        if (Partition is not null) text.AppendLine($"#SBATCH --partition={Partition}");
        if (Time is { } time) text.AppendLine($"#SBATCH --time={SlurmTime.Format(time)}");
        if (Memory is not null) text.AppendLine($"#SBATCH --mem={Memory}");
        if (Account is not null) text.AppendLine($"#SBATCH --account={Account}");
        foreach (string extra in ExtraSbatchArgs) text.AppendLine($"#SBATCH {extra}");
        return text;
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}

/// <summary>Slurm's time format: [D-]HH:MM:SS, MM:SS or minutes.</summary>
public static class SlurmTime
{
    public static TimeSpan Parse(string text)
    {
        string t = text.Trim();
        int days = 0;
        int dash = t.IndexOf('-');
        if (dash > 0 && int.TryParse(t[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out days)) t = t[(dash + 1)..];
        else if (dash >= 0) throw Bad(text);
        var parts = t.Split(':');
        var numbers = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) throw Bad(text);
        var span = numbers.Length switch
        {
            1 => dash > 0 ? TimeSpan.FromHours(numbers[0]) : TimeSpan.FromMinutes(numbers[0]),
            2 => dash > 0 ? new TimeSpan(numbers[0], numbers[1], 0) : new TimeSpan(0, numbers[0], numbers[1]),
            3 => new TimeSpan(numbers[0], numbers[1], numbers[2]),
            _ => throw Bad(text),
        };
        span += TimeSpan.FromDays(days);
        if (span <= TimeSpan.Zero) throw Bad(text);
        return span;
    }

    public static string Format(TimeSpan span) =>
        span.Days > 0 ? $"{span.Days}-{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}"
            : $"{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}";

    private static ArgumentException Bad(string text) =>
        new($"--time must be a positive Slurm time such as 04:00:00, 1-12:00:00 or 90 (minutes) (got '{text}').");
}
