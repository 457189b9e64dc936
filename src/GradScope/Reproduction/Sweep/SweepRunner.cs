using System.Text.Json;
using GradScope.IO;

namespace GradScope.Reproduction;

/// <summary>Where a cell stands in a sweep directory.</summary>
public enum CellOutcome { Finished, Ran, Diverged, Failed }

/// <summary>Receives sweep progress (the CLI draws one progress bar per study from it). Called from worker threads.</summary>
public interface ISweepObserver
{
    void OnCellStart(PlannedCell cell) { }
    /// <summary>Fraction of the cell done, 0..1.</summary>
    void OnCellProgress(PlannedCell cell, double fraction) { }
    void OnCellEnd(PlannedCell cell, CellOutcome outcome, string? message) { }
}

/// <summary>How many cells a sweep run touched.</summary>
public sealed record SweepSummary(int Planned, int InShard, int AlreadyFinished, int Ran, int Diverged, int Failed)
{
    /// <summary>Cells skipped because another live task holds their claim (<see cref="CellClaim"/>).</summary>
    public int HeldElsewhere { get; init; }
}

/// <summary>What this invocation runs: the shard, the studies, and how many cells at once.</summary>
public sealed record SweepSelection
{
    public Shard Shard { get; init; } = Shard.All;
    public IReadOnlyList<string> Studies { get; init; } = StudyIds.All;
    public int Jobs { get; init; } = 1;

    /// <summary>
    /// The cells of the plan this invocation is responsible for, in plan order. Shards are balanced by the cost model over the
    /// whole plan (<see cref="ShardBalancer"/>), so the assignment does not depend on which studies a task runs.
    /// </summary>
    public IReadOnlyList<PlannedCell> Select(SweepPlan plan)
    {
        var shardOf = Shard.Count > 1 ? ShardBalancer.Assign(plan.Cells, Shard.Count) : null;
        return [.. plan.Cells.Where(c => (shardOf is null || shardOf[c.Cell.Id] == Shard.Index)
            && c.Studies.Any(s => Studies.Contains(s) || (s == StudyIds.Training && Studies.Contains(StudyIds.Taylor))))];
    }
}

/// <summary>
/// Runs a sweep's cells into a shared directory. Finished cells are skipped, interrupted training cells
/// resume from their checkpoints, diverged runs are recorded as results, and a cell that fails for any
/// other reason is recorded (failure.txt) without stopping the others.
/// </summary>
public static class SweepRunner
{
    /// <summary>Writes <c>sweep.json</c>, or checks that the directory holds the same plan.</summary>
    public static void PrepareDirectory(string root, SweepPlan plan)
    {
        Directory.CreateDirectory(root);
        string path = Path.Combine(root, SweepPlan.FileName);
        string json = JsonSerializer.Serialize(plan, JsonDefaults.Options);
        if (File.Exists(path))
        {
            var existing = ReadPlan(root);
            if (JsonSerializer.Serialize(existing.Preset, JsonDefaults.Options)
                != JsonSerializer.Serialize(plan.Preset, JsonDefaults.Options))
                throw new ArgumentException($"{root} already holds a sweep of preset '{existing.Preset.Name}' with other settings; " +
                    "use another --out directory.");
            if (File.ReadAllText(path) == json) return;
        }
        AtomicFile.WriteAllText(path, json);
    }

    public static SweepPlan ReadPlan(string root)
    {
        string path = Path.Combine(root, SweepPlan.FileName);
        if (!File.Exists(path))
            throw new ArgumentException($"{root} is not a reproduce output directory: {SweepPlan.FileName} is missing.");
        try
        {
            return JsonSerializer.Deserialize<SweepPlan>(File.ReadAllText(path), JsonDefaults.Options)
                ?? throw new JsonException("empty file");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid sweep plan ({e.Message}).", e);
        }
    }

    public static SweepSummary Run(SweepPlan plan, CellStore store, SweepData data, IStudyDiagnostics diagnostics,
        SweepSelection selection, ISweepObserver? observer, CancellationToken cancel, IClaimLiveness? liveness = null)
    {
        liveness ??= ClaimLiveness.Default;
        var mine = selection.Select(plan);
        var runner = new CellRunner(store, data, diagnostics);
        int finished = 0, ran = 0, diverged = 0, failed = 0, held = 0;
        var todo = new List<PlannedCell>();
        foreach (var cell in mine)
        {
            if (store.IsFinished(cell.Cell)) { finished++; observer?.OnCellEnd(cell, CellOutcome.Finished, null); }
            else todo.Add(cell);
        }

        void RunOne(PlannedCell cell, CancellationToken token)
        {
            // Claimed first, so two tasks sharing the directory (a requeued task, a resubmitted array) never run one cell twice.
            using var claim = CellClaim.TryAcquire(store.CellDirectory(cell.Cell.Id), liveness);
            if (claim is null) { Interlocked.Increment(ref held); return; }
            if (store.IsFinished(cell.Cell))
            {
                Interlocked.Increment(ref finished);
                observer?.OnCellEnd(cell, CellOutcome.Finished, null);
                return;
            }
            observer?.OnCellStart(cell);
            try
            {
                runner.Run(cell.Cell, f => observer?.OnCellProgress(cell, f), token);
                bool isDiverged = cell.Cell is TrainCellSpec train && store.ReadResult(train) is { Diverged: true };
                if (isDiverged) Interlocked.Increment(ref diverged); else Interlocked.Increment(ref ran);
                observer?.OnCellEnd(cell, isDiverged ? CellOutcome.Diverged : CellOutcome.Ran, null);
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                store.WriteFailure(cell.Cell.Id, e.ToString());
                Interlocked.Increment(ref failed);
                observer?.OnCellEnd(cell, CellOutcome.Failed, e.Message);
            }
        }

        if (selection.Jobs <= 1)
        {
            foreach (var cell in todo)
            {
                cancel.ThrowIfCancellationRequested();
                RunOne(cell, cancel);
            }
        }
        else
        {
            try
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = selection.Jobs, CancellationToken = cancel };
                Parallel.ForEach(todo, options, cell => RunOne(cell, cancel));
            }
            catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
            {
                throw new OperationCanceledException(cancel);
            }
        }
        return new SweepSummary(plan.Cells.Count, mine.Count, finished, ran, diverged, failed) { HeldElsewhere = held };
    }
}
