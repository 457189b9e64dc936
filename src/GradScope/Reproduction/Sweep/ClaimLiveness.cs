using System.Diagnostics;

namespace GradScope.Reproduction;

/// <summary>
/// The default staleness rule for cell locks: the holder is dead when it ran on this host and its pid no longer exists,
/// or it ran as a Slurm job that squeue no longer lists as pending/running, or the lock is older than
/// <paramref name="timeout"/> (the last resort for holders on other hosts without Slurm).
/// </summary>
public sealed class ClaimLiveness(TimeSpan timeout, Func<string, bool?>? jobIsActive = null) : IClaimLiveness
{
    /// <summary>Longer than any single cell of the paper preset; a lock this old belongs to a task that is gone.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(48);

    public static ClaimLiveness Default { get; } = new(DefaultTimeout);

    private readonly Func<string, bool?> _jobIsActive = jobIsActive ?? SqueueJobIsActive;

    public bool IsDead(ClaimHolder holder)
    {
        if (DateTimeOffset.UtcNow - holder.Started > timeout) return true;
        if (holder.Host == Environment.MachineName)
        {
            if (holder.Pid == Environment.ProcessId) return false;
            if (!ProcessExists(holder.Pid)) return true;
        }
        // Same host with a live pid could be a reused pid; the job id settles it when there is one.
        return holder.JobId is { } job && _jobIsActive(job) == false;
    }

    private static bool ProcessExists(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Asks squeue whether a job is still queued or running; null when squeue cannot be asked.</summary>
    public static bool? SqueueJobIsActive(string jobId)
    {
        try
        {
            var run = ProcessRunner.Run("squeue", ["-h", "-j", jobId, "-o", "%T"], TimeSpan.FromSeconds(30));
            if (run.ExitCode != 0)
                return run.StdErr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase) ? false : null;
            string state = run.StdOut.Trim();
            return state.Length > 0 && state is not ("COMPLETED" or "CANCELLED" or "FAILED" or "TIMEOUT" or "NODE_FAIL"
                or "PREEMPTED" or "OUT_OF_MEMORY" or "BOOT_FAIL" or "DEADLINE");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // squeue is not installed here
        }
    }
}
