namespace GradScope.Reproduction;

/// <summary>Where one cell stands, read from its directory alone.</summary>
public enum CellState { Pending, Running, Finished, Diverged, Failed }

/// <summary>Counts of cell states in one shard.</summary>
public sealed record ShardStatus(int Shard, int Finished, int Running, int Failed, int Diverged, int Pending)
{
    public int Total => Finished + Running + Failed + Diverged + Pending;
}

/// <summary>
/// The state of every cell of a sweep directory per shard, from the files alone (sweep.json, result.json,
/// failure.txt, claim.lock), so it works while an array runs and after it. A lock whose holder is dead counts as
/// pending: the next task that reaches the cell reclaims it. Nothing is written: a corrupt result is reported through
/// <c>warn</c> and counted as not finished, and left for the next sweep to move aside and rerun.
/// </summary>
public static class SweepStatus
{
    public static IReadOnlyList<ShardStatus> Read(string root, int shards, IClaimLiveness liveness, Action<string>? warn = null)
    {
        var plan = SweepRunner.ReadPlan(root);
        var store = new CellStore(root, warn, readOnly: true);
        var shardOf = ShardBalancer.Assign(plan.Cells, shards);
        var counts = new int[shards, 5];
        foreach (var cell in plan.Cells)
            counts[shardOf[cell.Cell.Id] - 1, (int)StateOf(store, cell.Cell, liveness)]++;
        return [.. Enumerable.Range(0, shards).Select(s => new ShardStatus(s + 1,
            Finished: counts[s, (int)CellState.Finished], Running: counts[s, (int)CellState.Running],
            Failed: counts[s, (int)CellState.Failed], Diverged: counts[s, (int)CellState.Diverged],
            Pending: counts[s, (int)CellState.Pending]))];
    }

    public static CellState StateOf(CellStore store, CellSpec cell, IClaimLiveness liveness)
    {
        string directory = store.CellDirectory(cell.Id);
        // One read of the result: a read-only store reports a corrupt file on every read.
        switch (cell)
        {
            case TrainCellSpec train when store.ReadResult(train) is { } result:
                return result.Diverged ? CellState.Diverged : CellState.Finished;
            case InitCellSpec init when store.ReadResult(init) is not null:
                return CellState.Finished;
        }
        if (CellClaim.ReadHolder(directory) is { } holder && !liveness.IsDead(holder)) return CellState.Running;
        if (store.Failure(cell.Id) is not null) return CellState.Failed;
        return CellState.Pending;
    }
}
