using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>Everything one forward pass of a <see cref="Network{T}"/> keeps for its backward passes.</summary>
public sealed class Tape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private int[] _labels = [];

    internal Tape(Network<T> network)
    {
        Network = network;
        Activations = new Matrix<T>[network.BlockCount + 1];
        for (int i = 0; i < Activations.Length; i++) Activations[i] = new Matrix<T>(0, 0);
        BlockCaches = network.Blocks.Select(b => b.CreateCache()).ToArray();
        OutputCache = network.Output.CreateCache();
    }

    public Network<T> Network { get; }

    /// <summary>Row-parallel backward state: per-slice scratch, and parameter gradients of slices 1.. (slice 0 adds
    /// straight into the caller's gradients).</summary>
    internal RowScratch<T>[] RowScratch = [];
    internal ParameterSet<T>?[] RowGradients = [];
    /// <summary>Per-slice batch-norm statistics and cotangent sums of the batch-norm row path.</summary>
    internal BatchNormPartials<T>? RowBatchNorm;

    /// <summary>[0] the input batch (the caller's matrix), [b + 1] the output of block b (input side first).</summary>
    public Matrix<T>[] Activations { get; }
    public BlockCache<T>[] BlockCaches { get; }
    public LayerCache<T> OutputCache { get; }
    /// <summary>B × classes.</summary>
    public Matrix<T> Logits { get; } = new(0, 0);
    /// <summary>B × classes softmax of the logits.</summary>
    public Matrix<T> Probabilities { get; } = new(0, 0);
    /// <summary>B × 1 per-example losses, position 0.</summary>
    public Matrix<T> Losses { get; } = new(0, 0);
    public Matrix<T> LogitsCotangent { get; } = new(0, 0);
    public Matrix<T> CotangentA { get; } = new(0, 0);
    public Matrix<T> CotangentB { get; } = new(0, 0);

    /// <summary>The mode of the forward pass this tape holds.</summary>
    public ForwardMode Mode { get; internal set; }

    public int BatchSize => Activations[0].Rows;
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, BatchSize);

    internal void SetLabels(ReadOnlySpan<int> labels, int batch)
    {
        if (labels.Length < batch) throw new ArgumentException($"{labels.Length} labels for a batch of {batch}.");
        if (_labels.Length < batch) _labels = new int[batch];
        labels[..batch].CopyTo(_labels);
    }

    /// <summary>f_l, the activations at position l (0 = loss vector, L + 1 = input).</summary>
    public Matrix<T> Position(int position)
    {
        int blocks = Network.BlockCount;
        if (position < 0 || position > blocks + 1)
            throw new ArgumentOutOfRangeException(nameof(position), $"Positions are 0..{blocks + 1}.");
        return position == 0 ? Losses : Activations[blocks - position + 1];
    }
}
