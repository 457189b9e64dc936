using GradScope.Networks;
using GradScope.Reproduction;

namespace GradScope.Tests.Reproduction;

public sealed class PlanTests
{
    private static SweepPlan Plan(ReproductionPreset preset) => SweepPlan.Create(preset, DataShape.FashionMnist, 60000, 10000, "test");

    [Fact]
    public void Shards_partition_the_cells_deterministically()
    {
        var ids = Plan(Presets.Quick).Cells.Select(c => c.Cell.Id).ToList();
        for (int n = 1; n <= 4; n++)
        {
            var counts = ids.Select(id => Enumerable.Range(1, n).Count(i => new Shard(i, n).Contains(id))).ToList();
            Assert.All(counts, c => Assert.Equal(1, c));
        }
        Assert.Equal(Shard.StableHash("init-relu-d50-w100-noise-s1"), Shard.StableHash("init-relu-d50-w100-noise-s1"));
        Assert.Equal(new Shard(2, 3), Shard.Parse("2/3"));
        Assert.Throws<ArgumentException>(() => Shard.Parse("0/3"));
        Assert.Throws<ArgumentException>(() => Shard.Parse("2"));
    }

    [Fact]
    public void Cells_shared_by_studies_are_planned_once()
    {
        var plan = Plan(Presets.Quick);
        Assert.Equal(plan.Cells.Count, plan.Cells.Select(c => c.Cell.Id).Distinct().Count());
        var shared = plan.Cells.Single(c => c.Cell.Id == "train-relu-d50-w100-adam-lr0.001-b128-e3-n8000-t2000-s1");
        Assert.Equal([StudyIds.Training, StudyIds.Orthogonal, StudyIds.WidthDepth], shared.Studies);
    }


    [Fact]
    public void Every_cell_network_is_built_for_the_data_shape_with_the_preset_sizes()
    {
        var shape = new DataShape(24, 4);
        var plan = SweepPlan.Create(Presets.Tiny, shape, 512, 256, "test");
        Assert.Equal(shape, plan.Shape);
        Assert.All(plan.Cells, c => Assert.Equal(shape, c.Cell.Architecture.Shape));
        var sizes = Presets.Tiny.Sizes;
        Assert.All(plan.CellsOf(StudyIds.Init).Select(c => c.Cell.Architecture),
            a => Assert.Equal((sizes.LinearLayers, sizes.Width), (a.LinearLayers, a.Width)));
        var dilution = plan.CellsOf<TrainCellSpec>(StudyIds.Dilution).Select(c => c.Architecture.ResidualWeight).ToList();
        Assert.Equal(Presets.Tiny.Dilution.ResidualWeights.Select(w => (double?)w), dilution);
    }

    [Fact]
    public void Studies_parse_names_and_numbers()
    {
        Assert.Equal(StudyIds.All, StudyIds.Parse(null));
        Assert.Equal([StudyIds.Init, StudyIds.Dilution], StudyIds.Parse("init, 4"));
        Assert.Throws<ArgumentException>(() => StudyIds.Parse("bogus"));
    }

    [Fact]
    public void Spearman_matches_hand_computed_values()
    {
        Assert.Equal(1.0, Spearman.Rank([1, 2, 3], [10, 20, 30]), 12);
        Assert.Equal(-1.0, Spearman.Rank([1, 2, 3], [3, 2, 1]), 12);
    }

    [Fact]
    public void Width_depth_cells_spend_the_budget_of_the_default_network()
    {
        var cells = Plan(Presets.Quick).CellsOf<TrainCellSpec>(StudyIds.WidthDepth).Select(c => c.Training.Architecture).ToList();
        // The widths the quick preset has always trained (the same as before AtParameterBudget became their one owner).
        Assert.Equal([(5, 292), (10, 210), (20, 152), (50, 100)],
            cells.Select(a => (a.LinearLayers, a.Width)).Distinct().OrderBy(p => p.LinearLayers));
        long budget = ArchitectureSpec.Create("relu", DataShape.FashionMnist).TrainableParameters;
        Assert.All(cells, a => Assert.True(a.TrainableParameters <= budget));
    }
}
