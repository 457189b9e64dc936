using GradScope.Data;

namespace GradScope.Tests.Data;

public class MiniBatcherTests
{
    private static int[] RowsOf(MiniBatch batch) =>
        Enumerable.Range(0, batch.Count).Select(i => (int)(batch.Inputs[i, 0] / 100)).ToArray();

    private static int[] EpochRows(MiniBatcher batcher, int epoch) =>
        batcher.Epoch(epoch).SelectMany(RowsOf).ToArray();

    [Fact]
    public void Same_seed_and_epoch_give_the_same_order_in_a_fresh_batcher()
    {
        var data = DatasetTests.Numbered(50);
        var first = new MiniBatcher(data, 8, seed: 11);
        var second = new MiniBatcher(data, 8, seed: 11);
        _ = EpochRows(second, 0); // a different history must not matter
        Assert.Equal(EpochRows(first, 3), EpochRows(second, 3));
    }

    [Fact]
    public void Different_epochs_and_seeds_give_different_orders()
    {
        var data = DatasetTests.Numbered(50);
        var batcher = new MiniBatcher(data, 8, seed: 11);
        Assert.NotEqual(EpochRows(batcher, 0), EpochRows(batcher, 1));
        Assert.NotEqual(EpochRows(batcher, 0), EpochRows(new MiniBatcher(data, 8, seed: 12), 0));
    }

    [Fact]
    public void Every_example_once_per_epoch_with_a_smaller_last_batch()
    {
        var data = DatasetTests.Numbered(50);
        var batcher = new MiniBatcher(data, 16, seed: 5);
        var batches = batcher.Epoch(2).Select(b => (b.Count, MatrixRows: b.Inputs.Rows, Examples: RowsOf(b))).ToList();

        Assert.Equal(4, batcher.BatchesPerEpoch);
        Assert.Equal(new[] { 16, 16, 16, 2 }, batches.Select(b => b.Count).ToArray());
        Assert.All(batches, b => Assert.Equal(b.Count, b.MatrixRows));
        Assert.Equal(Enumerable.Range(0, 50), batches.SelectMany(b => b.Examples).Order());
    }

    [Fact]
    public void Labels_follow_their_rows()
    {
        var data = DatasetTests.Numbered(30);
        foreach (var batch in new MiniBatcher(data, 7, seed: 1).Epoch(0))
        {
            var rows = RowsOf(batch);
            Assert.Equal(rows.Select(r => r % 10), batch.Labels);
        }
    }

    [Fact]
    public void Resuming_mid_epoch_sees_the_remaining_batches()
    {
        var data = DatasetTests.Numbered(40);
        var full = new MiniBatcher(data, 6, seed: 9).Epoch(4).Select(RowsOf).ToList();
        var resumed = new MiniBatcher(data, 6, seed: 9).Epoch(4, firstBatch: 3).Select(RowsOf).ToList();
        Assert.Equal(full.Skip(3), resumed);
    }

    [Fact]
    public void Unshuffled_batcher_keeps_dataset_order()
    {
        var data = DatasetTests.Numbered(10);
        Assert.Equal(Enumerable.Range(0, 10), EpochRows(new MiniBatcher(data, 4, seed: 1, shuffle: false), 7));
    }

    [Fact]
    public void Steady_state_batches_allocate_nothing()
    {
        var data = DatasetTests.Numbered(100, features: 20);
        var batcher = new MiniBatcher(data, 32, seed: 2);
        for (int b = 0; b < batcher.BatchesPerEpoch; b++) batcher.GetBatch(0, b);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int b = 0; b < batcher.BatchesPerEpoch; b++) total += batcher.GetBatch(0, b).Count;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100, total);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Batch_larger_than_dataset_is_one_batch()
    {
        var batcher = new MiniBatcher(DatasetTests.Numbered(5), 128, seed: 0);
        Assert.Equal(1, batcher.BatchesPerEpoch);
        Assert.Equal(5, batcher.GetBatch(0, 0).Count);
    }
}
