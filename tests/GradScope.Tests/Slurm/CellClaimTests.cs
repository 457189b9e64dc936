using System.Text.Json;
using GradScope.Reproduction;
using GradScope.Tests.Data;
using GradScope.Tests.Reproduction;

namespace GradScope.Tests.Slurm;

/// <summary>The O_EXCL cell lock: exclusive while its holder lives, reclaimed when the holder is gone.</summary>
public sealed class CellClaimTests
{
    private sealed class Fixed(bool dead) : IClaimLiveness
    {
        public bool IsDead(ClaimHolder holder) => dead;
    }

    private static void WriteLock(string cellDirectory, ClaimHolder holder)
    {
        Directory.CreateDirectory(cellDirectory);
        File.WriteAllText(CellClaim.PathOf(cellDirectory), JsonSerializer.Serialize(holder, JsonDefaults.Options));
    }

    [Fact]
    public void A_held_cell_cannot_be_claimed_again_until_released()
    {
        using var dir = new TempDirectory();
        string cell = dir.Subdirectory("cell");
        var first = CellClaim.TryAcquire(cell, ClaimLiveness.Default);
        Assert.NotNull(first);
        var holder = CellClaim.ReadHolder(cell)!;
        Assert.Equal(Environment.ProcessId, holder.Pid);
        Assert.Equal(Environment.MachineName, holder.Host);
        Assert.True(DateTimeOffset.UtcNow - holder.Started < TimeSpan.FromMinutes(5));
        // This very process holds it: alive, so a second claim (another worker thread) is refused.
        Assert.Null(CellClaim.TryAcquire(cell, ClaimLiveness.Default));
        first.Dispose();
        Assert.False(File.Exists(CellClaim.PathOf(cell)));
        using var second = CellClaim.TryAcquire(cell, ClaimLiveness.Default);
        Assert.NotNull(second);
    }

    [Fact]
    public void A_lock_of_a_dead_pid_on_this_host_is_reclaimed()
    {
        using var dir = new TempDirectory();
        string cell = dir.Subdirectory("cell");
        int deadPid = FindDeadPid();
        WriteLock(cell, new ClaimHolder(Environment.MachineName, deadPid, null, DateTimeOffset.UtcNow));
        var warnings = new List<string>();
        using var claim = CellClaim.TryAcquire(cell, ClaimLiveness.Default, warnings.Add);
        Assert.NotNull(claim);
        Assert.Equal(Environment.ProcessId, CellClaim.ReadHolder(cell)!.Pid);
        Assert.Contains($"pid {deadPid}", Assert.Single(warnings));
    }

    [Fact]
    public void Staleness_follows_host_pid_job_and_age()
    {
        var jobs = new Dictionary<string, bool?> { ["101"] = true, ["102"] = false, ["103"] = null };
        var liveness = new ClaimLiveness(TimeSpan.FromHours(1), id => jobs[id]);
        var now = DateTimeOffset.UtcNow;
        string here = Environment.MachineName;
        Assert.False(liveness.IsDead(new ClaimHolder(here, Environment.ProcessId, null, now)));
        Assert.True(liveness.IsDead(new ClaimHolder(here, FindDeadPid(), "101", now)));
        Assert.False(liveness.IsDead(new ClaimHolder("other-node", 1, "101", now)));
        Assert.True(liveness.IsDead(new ClaimHolder("other-node", 1, "102", now)));
        Assert.False(liveness.IsDead(new ClaimHolder("other-node", 1, "103", now)));
        Assert.False(liveness.IsDead(new ClaimHolder("other-node", 1, null, now)));
        Assert.True(liveness.IsDead(new ClaimHolder("other-node", 1, "101", now - TimeSpan.FromHours(2))));
    }

    [Fact]
    public void A_sweep_skips_cells_a_live_task_holds_and_runs_them_once_released()
    {
        using var dir = new TempDirectory();
        var data = SweepData.Load(Presets.Tiny.Data, null);
        var plan = TinySweep.Plan(data);
        var held = plan.Cells[0].Cell;
        var store = new CellStore(dir.Path);
        string cellDirectory = store.CellDirectory(held.Id);
        WriteLock(cellDirectory, new ClaimHolder("other-node", 1, "7", DateTimeOffset.UtcNow));
        var selection = new SweepSelection { Studies = [StudyIds.Init] };
        SweepRunner.PrepareDirectory(dir.Path, plan);
        var first = SweepRunner.Run(plan, store, data, TinySweep.Diagnostics, selection, null, default, new Fixed(dead: false));
        Assert.Equal(1, first.HeldElsewhere);
        Assert.False(store.IsFinished(held));
        Assert.Equal(first.InShard - 1, first.Ran + first.Diverged);

        var second = SweepRunner.Run(plan, store, data, TinySweep.Diagnostics, selection, null, default, new Fixed(dead: true));
        Assert.Equal(0, second.HeldElsewhere);
        Assert.Equal(1, second.Ran + second.Diverged);
        Assert.Equal(first.InShard - 1, second.AlreadyFinished);
        Assert.True(store.IsFinished(held));
        Assert.False(File.Exists(CellClaim.PathOf(cellDirectory)));
    }

    private static int FindDeadPid()
    {
        for (int pid = 4_000_000; pid > 1000; pid -= 7919)
            if (!Directory.Exists($"/proc/{pid}")) return pid;
        throw new InvalidOperationException("no free pid found");
    }
}
