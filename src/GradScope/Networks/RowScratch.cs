using System.Numerics;

namespace GradScope.Networks;

/// <summary>Thread-private cotangent buffers of one slice of a row-parallel backward pass (grown, never shrunk).</summary>
internal sealed class RowScratch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Cotangents between blocks (ping-pong).</summary>
    public T[] NetA = [], NetB = [];
    /// <summary>Cotangents between the layers of a block (ping-pong), and w_r · dy of a residual unit.</summary>
    public T[] LayerA = [], LayerB = [], Weighted = [];
    /// <summary>The batch-norm phases: a residual unit's output cotangent, kept while its branch is walked back (it trades places
    /// with LayerA or LayerB instead of being copied: all buffers have one length).</summary>
    public T[] Skip = [];
    /// <summary>The batch-norm phases: which of LayerA (0) and LayerB (1) holds the slice's cotangent between phases.</summary>
    public int Current;

    public void Ensure(int length)
    {
        if (NetA.Length >= length) return;
        NetA = new T[length]; NetB = new T[length];
        LayerA = new T[length]; LayerB = new T[length]; Weighted = new T[length]; Skip = new T[length];
    }
}
