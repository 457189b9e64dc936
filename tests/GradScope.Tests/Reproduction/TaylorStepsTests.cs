using GradScope.Networks;
using GradScope.Reproduction;
using GradScope.Training;

namespace GradScope.Tests.Reproduction;

public class TaylorStepsTests
{
    [Fact]
    public void A_resnet_gets_m_equal_to_all_its_blocks_from_a_list_written_for_fifty_block_mlps()
    {
        // Input map + 25 units of 2 = 26 blocks.
        var arch = ArchitectureSpec.Create("resnet-relu", DataShape.FashionMnist, new NetworkSizes { LinearLayers = 51 });
        var cell = new TrainCellSpec
        {
            Id = "x",
            Training = new TrainingConfig { Architecture = arch },
            TaylorReplaced = [0, 1, 2, 3, 5, 8, 12, 20, 30, 40, 50],
        };
        Assert.Equal([0, 1, 2, 3, 5, 8, 12, 20, 26], cell.TaylorSteps);
        Assert.Equal(Enumerable.Range(0, 27), (cell with { TaylorReplaced = null }).TaylorSteps);
    }
}
