using GradScope.Reproduction;
using GradScope.Training;

namespace GradScope.Tests.Reproduction;

public sealed class PresetTests
{
    private static SweepPlan Plan(ReproductionPreset preset) => SweepPlan.Create(preset, GradScope.Networks.DataShape.FashionMnist, 60000,
        10000, "test");

    private static IEnumerable<IGrouping<string, TrainCellSpec>> TrainedBySeedlessId(SweepPlan plan) =>
        plan.Cells.Select(c => c.Cell).OfType<TrainCellSpec>().GroupBy(c => c.Id[..c.Id.LastIndexOf("-s", StringComparison.Ordinal)]);

    [Theory]
    [InlineData("quick", 2)]
    [InlineData("standard", 2)]
    [InlineData("paper", 3)]
    public void Every_cell_runs_with_every_seed(string name, int seeds)
    {
        var plan = Plan(Presets.Get(name));
        Assert.All(TrainedBySeedlessId(plan), g => Assert.Equal(seeds, g.Select(c => c.Seed).Distinct().Count()));
        // Initial states too, so the claims can tell a verdict the seeds disagree on.
        var init = plan.Cells.Select(c => c.Cell).OfType<InitCellSpec>().ToList();
        Assert.All(init.GroupBy(c => (c.Network.Name, c.Input)), g => Assert.Equal(seeds, g.Select(c => c.Seed).Distinct().Count()));
    }

    [Fact]
    public void Resnet_relu_adam_grid_reaches_1e2_in_every_budget_and_the_paper_preset()
    {
        // Its best Adam rate sat at 3e-3, the top of the quick grid: every preset that trains it searches above that.
        foreach (var preset in new[] { Presets.Quick, Presets.Standard, Presets.Paper })
        {
            var rates = preset.LearningRatesFor(OptimizerKind.Adam, "resnet-relu");
            Assert.Equal(1e-2, rates[^1]);
            Assert.Contains(3e-3, rates);
        }
        Assert.Equal([1e-4, 3e-4, 1e-3], Presets.Standard.LearningRatesFor(OptimizerKind.Adam, "relu"));
    }

    [Fact]
    public void Quick_searches_three_point_grids_with_rmsprop_and_trains_residual_variants()
    {
        var quick = Presets.Quick;
        // Every search has at least three rates; a grid may be extended for the networks whose best rate sat at its edge.
        Assert.All(from arch in quick.TrainArchitectures from g in quick.LearningRates where g.Covers(arch) select (arch, g.Optimizer),
            s => Assert.True(quick.LearningRatesFor(s.Optimizer, s.arch).Count >= 3));
        Assert.Equal([1e-4, 3e-4, 1e-3, 3e-3, 1e-2], quick.LearningRatesFor(OptimizerKind.Adam, "resnet-relu"));
        Assert.Equal([1e-4, 3e-4, 1e-3, 3e-3], quick.LearningRatesFor(OptimizerKind.Adam, "resnet-tanh"));
        Assert.Equal([1e-4, 3e-4, 1e-3], quick.LearningRatesFor(OptimizerKind.Adam, "relu"));
        Assert.Contains(quick.LearningRates, g => g.Optimizer == OptimizerKind.RmsProp);
        Assert.Contains("resnet-tanh", quick.TrainArchitectures);
        Assert.Contains(quick.TrainArchitectures, a => a.StartsWith("resnet-batch-", StringComparison.Ordinal)
            || a.StartsWith("resnet-layer-", StringComparison.Ordinal));
        Assert.True(quick.WidthDepth.LearningRates.Count >= 3);
        var plan = Plan(quick);
        var rmsprop = plan.Cells.Select(c => c.Cell).OfType<TrainCellSpec>().Where(c => c.Training.Optimizer == OptimizerKind.RmsProp)
            .ToList();
        Assert.Equal(["batch-relu", "relu", "resnet-relu"], rmsprop.Select(c => c.Training.Architecture.Name).Distinct().Order());
    }

    [Fact]
    public void Quick_measures_the_last_block_of_a_resnet_in_the_taylor_experiment()
    {
        var plan = Plan(Presets.Quick);
        var resnet = plan.Cells.Select(c => c.Cell).OfType<TrainCellSpec>().First(c => c.Training.Architecture.IsResidual);
        Assert.Equal(resnet.Training.Architecture.BlockCount, resnet.TaylorSteps[^1]);
    }

    [Fact]
    public void Standard_uses_the_full_training_set_for_at_least_ten_epochs()
    {
        var standard = Presets.Standard;
        Assert.Null(standard.TrainSubset);
        Assert.True(standard.Epochs >= 10);
        Assert.Contains("standard", Presets.Names);
    }
}
