using System.Text.Json;
using GradScope.IO;

namespace GradScope.Reproduction;

/// <summary>Who holds a cell: written into its <c>claim.lock</c>.</summary>
public sealed record ClaimHolder(string Host, int Pid, string? JobId, DateTimeOffset Started)
{
    /// <summary>This process, with the Slurm job id of the task it runs in (if any).</summary>
    public static ClaimHolder Current() =>
        new(Environment.MachineName, Environment.ProcessId, SlurmJobId(), DateTimeOffset.UtcNow);

    /// <summary>The id squeue knows this task by: an array task's own job id, else the job id.</summary>
    public static string? SlurmJobId() => Environment.GetEnvironmentVariable("SLURM_JOB_ID") is { Length: > 0 } id ? id : null;
}

/// <summary>Decides whether a lock's holder is gone. Injected so tests and machines without Slurm can decide without squeue.</summary>
public interface IClaimLiveness
{
    /// <summary>True when the holder can no longer be working on the cell.</summary>
    bool IsDead(ClaimHolder holder);
}

/// <summary>
/// An exclusive claim on one cell of a sweep on a shared file system: <c>cells/&lt;id&gt;/claim.lock</c> created with
/// O_EXCL (<see cref="FileMode.CreateNew"/>), holding host, pid, Slurm job id and start time. Two tasks that would run the
/// same cell (a requeued task overlapping its old self, a resubmitted array) cannot both run it. A lock whose holder died
/// without releasing it (SIGKILL, node failure) is stale and reclaimed; see <see cref="ClaimLiveness"/>.
/// </summary>
public sealed class CellClaim : IDisposable
{
    public const string FileName = "claim.lock";

    private readonly string _path;
    private readonly string _content;
    private bool _released;

    private CellClaim(string path, string content)
    {
        _path = path;
        _content = content;
    }

    public static string PathOf(string cellDirectory) => Path.Combine(cellDirectory, FileName);

    /// <summary>Claims the cell, reclaiming a stale lock; null when a live holder has it.</summary>
    public static CellClaim? TryAcquire(string cellDirectory, IClaimLiveness liveness, Action<string>? warn = null)
    {
        Directory.CreateDirectory(cellDirectory);
        string path = PathOf(cellDirectory);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (TryCreate(path) is { } claim) return claim;
            string? text = TryRead(path);
            if (text is null) continue; // released between our attempt and the read: try again
            var holder = Parse(text);
            if (holder is not null && !liveness.IsDead(holder)) return null;
            // Re-read right before removing: only the exact stale content is moved aside, never a fresh lock written meanwhile.
            if (TryRead(path) != text) continue;
            string aside = $"{path}.stale-{Guid.NewGuid():N}";
            try { File.Move(path, aside); }
            catch (FileNotFoundException) { continue; }
            File.Delete(aside);
            warn?.Invoke($"reclaimed a stale claim on {Path.GetFileName(cellDirectory)} " +
                (holder is null ? "(unreadable lock)" : $"(held by pid {holder.Pid} on {holder.Host}, job {holder.JobId ?? "none"})"));
        }
        return null;
    }

    /// <summary>The holder written in a cell's lock, or null when it has none.</summary>
    public static ClaimHolder? ReadHolder(string cellDirectory) =>
        TryRead(PathOf(cellDirectory)) is { } text ? Parse(text) : null;

    private static CellClaim? TryCreate(string path)
    {
        string content = JsonSerializer.Serialize(ClaimHolder.Current(), JsonDefaults.Options);
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
        return new CellClaim(path, content);
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    private static ClaimHolder? Parse(string text)
    {
        try { return JsonSerializer.Deserialize<ClaimHolder>(text, JsonDefaults.Options); }
        catch (JsonException) { return null; }
    }

    /// <summary>Removes the lock if it is still ours (a holder judged stale may have lost it to another task).</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        if (TryRead(_path) == _content) File.Delete(_path);
    }
}
