namespace GradScope.Reproduction;

/// <summary>
/// Splits a plan's cells over N shards by estimated cost (greedy longest-processing-time: the most expensive cell
/// first, each to the currently lightest shard), so array tasks finish at about the same time. Deterministic: ties
/// break by plan order and the lowest shard index, so every task computes the same assignment from sweep.json.
/// </summary>
public static class ShardBalancer
{
    /// <summary>The 1-based shard of every cell id.</summary>
    public static IReadOnlyDictionary<string, int> Assign(IReadOnlyList<PlannedCell> cells, int shards)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards), "at least one shard is needed");
        var order = cells.Select((c, i) => (c.Cell, Index: i))
            .OrderByDescending(c => c.Cell.Cost).ThenBy(c => c.Index).ToList();
        var load = new double[shards];
        var assignment = new Dictionary<string, int>(cells.Count);
        foreach (var (cell, _) in order)
        {
            int lightest = 0;
            for (int s = 1; s < shards; s++)
                if (load[s] < load[lightest]) lightest = s;
            load[lightest] += cell.Cost;
            assignment[cell.Id] = lightest + 1;
        }
        return assignment;
    }

    /// <summary>Total estimated cost (model units) of each shard, index 0 = shard 1.</summary>
    public static double[] Loads(IReadOnlyList<PlannedCell> cells, int shards)
    {
        var assignment = Assign(cells, shards);
        var load = new double[shards];
        foreach (var c in cells) load[assignment[c.Cell.Id] - 1] += c.Cell.Cost;
        return load;
    }
}
