using GradScope.Reproduction;
using GradScope.Tests.Reproduction;

namespace GradScope.Tests.Slurm;

public sealed class ShardBalancerTests
{
    private static IReadOnlyList<PlannedCell> QuickCells()
    {
        var data = SweepData.Load(Presets.Tiny.Data, null);
        return SweepPlan.Create(Presets.Quick, data.Shape, 8000, 2000, TinySweep.Diagnostics.Name).Cells;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Cost_balanced_shards_cover_every_cell_once_and_are_within_one_cell_of_each_other(int shards)
    {
        var cells = QuickCells();
        var assignment = ShardBalancer.Assign(cells, shards);
        Assert.Equal(cells.Count, assignment.Count);
        Assert.All(assignment.Values, s => Assert.InRange(s, 1, shards));
        Assert.Equal(assignment, ShardBalancer.Assign(cells, shards));
        var loads = ShardBalancer.Loads(cells, shards);
        double biggest = cells.Max(c => c.Cell.Cost);
        // The LPT guarantee: no shard exceeds the lightest by more than one cell.
        Assert.True(loads.Max() - loads.Min() <= biggest, $"loads {string.Join(", ", loads)}, biggest cell {biggest}");
    }

    [Fact]
    public void Balancing_by_cost_beats_hashing_by_id_on_the_quick_preset()
    {
        var cells = QuickCells();
        const int shards = 4;
        var hashed = new double[shards];
        foreach (var c in cells) hashed[(int)(Shard.StableHash(c.Cell.Id) % shards)] += c.Cell.Cost;
        var balanced = ShardBalancer.Loads(cells, shards);
        Assert.True(balanced.Max() < hashed.Max(), $"balanced max {balanced.Max()}, hashed max {hashed.Max()}");
    }

    [Fact]
    public void Selection_of_each_shard_partitions_the_plan()
    {
        var data = SweepData.Load(Presets.Tiny.Data, null);
        var plan = TinySweep.Plan(data);
        var ids = Enumerable.Range(1, 3)
            .SelectMany(i => new SweepSelection { Shard = new Shard(i, 3) }.Select(plan)).Select(c => c.Cell.Id);
        Assert.Equal(plan.Cells.Select(c => c.Cell.Id).Order(), ids.Order());
    }
}
