using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// Cuts a dataset into mini-batches of <see cref="BatchSize"/> (the last one of an epoch smaller when
/// the count does not divide), in an order that depends only on (seed, epoch) through
/// <c>Rng.ForStream(seed, epoch)</c>: a run resumed at epoch e, batch k sees exactly the batches the
/// uninterrupted run would have seen. Rows are copied into buffers allocated once, so steady-state
/// training allocates nothing per batch.
/// </summary>
public sealed class MiniBatcher
{
    private readonly Dataset _data;
    private readonly ulong _seed;
    private readonly bool _shuffle;
    private readonly int[] _order;
    private readonly Matrix<float> _inputs;
    // Two label buffers, one per possible batch size, so that Labels.Length is always the batch's count.
    private readonly int[] _fullLabels;
    private readonly int[] _lastLabels;
    private int _orderEpoch = -1;

    /// <param name="shuffle">False visits examples in dataset order every epoch (for evaluation passes).</param>
    public MiniBatcher(Dataset data, int batchSize, ulong seed, bool shuffle = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.Count == 0) throw new ArgumentException($"Dataset '{data.Name}' is empty.", nameof(data));
        _data = data;
        _seed = seed;
        _shuffle = shuffle;
        BatchSize = Math.Min(batchSize, data.Count);
        BatchesPerEpoch = (data.Count + BatchSize - 1) / BatchSize;
        _order = new int[data.Count];
        _inputs = new Matrix<float>(BatchSize, data.Features);
        _fullLabels = new int[BatchSize];
        int last = data.Count - (BatchesPerEpoch - 1) * BatchSize;
        _lastLabels = last == BatchSize ? _fullLabels : new int[last];
    }

    public Dataset Data => _data;

    public int BatchSize { get; }

    public int BatchesPerEpoch { get; }

    /// <summary>The example indices of an epoch, in visiting order (a fresh copy).</summary>
    public int[] EpochOrder(int epoch)
    {
        PrepareOrder(epoch);
        return (int[])_order.Clone();
    }

    /// <summary>Fills the buffers with batch <paramref name="index"/> of <paramref name="epoch"/>.</summary>
    public MiniBatch GetBatch(int epoch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BatchesPerEpoch);
        PrepareOrder(epoch);
        int start = index * BatchSize;
        int count = Math.Min(BatchSize, _data.Count - start);
        int[] labels = count == BatchSize ? _fullLabels : _lastLabels;
        _inputs.Resize(count, _data.Features);
        for (int i = 0; i < count; i++)
        {
            int example = _order[start + i];
            _data.Inputs.Row(example).CopyTo(_inputs.Row(i));
            labels[i] = _data.Labels[example];
        }
        return new MiniBatch(epoch, index, _inputs, labels);
    }

    /// <summary>
    /// The batches of <paramref name="epoch"/> from <paramref name="firstBatch"/> on (resume mid-epoch
    /// by passing the next batch to run). Each batch reuses the same buffers.
    /// </summary>
    public IEnumerable<MiniBatch> Epoch(int epoch, int firstBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        for (int b = firstBatch; b < BatchesPerEpoch; b++) yield return GetBatch(epoch, b);
    }

    private void PrepareOrder(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (epoch == _orderEpoch) return;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (_shuffle) Rng.ForStream(_seed, (ulong)epoch).Shuffle(_order.AsSpan());
        _orderEpoch = epoch;
    }
}
