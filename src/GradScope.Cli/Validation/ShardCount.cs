namespace GradScope.Cli.Validation;

/// <summary>
/// More shards than cells leaves shards empty, and an absurd count (--shard 1/2000000000) would make the balancer loop
/// over every shard for every cell for hours: refused with the plan's size before anything runs or is written.
/// </summary>
internal static class ShardCount
{
    public static void Check(string what, int shards, int cells)
    {
        if (shards > cells)
            throw new ArgumentException($"{what} asks for {shards:N0} shards, more than the sweep's {cells} cells; use at most {cells}.");
    }
}
