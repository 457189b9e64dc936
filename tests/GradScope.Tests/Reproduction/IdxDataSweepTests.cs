using GradScope.Reproduction;
using GradScope.Tests.Data;

namespace GradScope.Tests.Reproduction;

/// <summary>The tiny sweep on a second dataset: small generated idx files read through the dataset locator, as Fashion-MNIST is.</summary>
public sealed class IdxDataSweepTests
{
    [Fact]
    public void Tiny_sweep_on_generated_idx_files_finishes_and_shards_agree()
    {
        using var dir = new TempDirectory();
        string data = dir.Subdirectory("mnist");
        IdxTestFiles.WriteDirectory(data, trainCount: 200, testCount: 60, gzip: true);
        // 10 classes need width ≥ 20 for the looks-linear output map.
        var preset = Presets.Tiny with
        {
            Data = new DataSpec { Dataset = "mnist" },
            Sizes = Presets.Tiny.Sizes with { Width = 20 },
            Epochs = 1,
        };

        string whole = dir.Subdirectory("whole");
        var summary = TinySweep.Run(whole, preset: preset, dataDirectory: data);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(summary.Planned, summary.Ran + summary.Diverged);

        string sharded = dir.Subdirectory("sharded");
        for (int i = 1; i <= 3; i++)
            TinySweep.Run(sharded, new SweepSelection { Shard = new Shard(i, 3) }, preset: preset, dataDirectory: data);
        TinySweep.AssertSameStudies(whole, sharded);
    }
}
