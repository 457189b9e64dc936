using System.Numerics;

namespace GradScope.Tensors;

/// <summary>
/// The right operand op(B) (k × n) of matrix products, packed once into the panel layout the GEMM kernels of one tier
/// read (<see cref="Gemm.Pack{T}"/>), for a B that many products share — the weights of a row-parallel training step,
/// which every slice multiplies by: packed once per pass instead of once per slice. For the scalar tier (and element
/// types without kernels) the packing is op(B) copied row-major, which <see cref="GemmReference"/> reads.
/// Layout for a kernel tier with panel width NR: K blocks as the GEMM driver cuts them, each holding the ⌈n/NR⌉
/// zero-padded panels of NR columns one after another (kc × NR values each), so the block starting at row pc
/// begins at pc · ⌈n/NR⌉·NR.
/// </summary>
public sealed class PackedMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal T[] Buffer = [];

    /// <summary>The tier the panels were laid out for (products at another tier must not read them).</summary>
    internal GemmTier Tier { get; private set; }
    public int K { get; private set; }
    public int N { get; private set; }

    /// <summary>False until packed, and again after <see cref="Invalidate"/> (the source changed).</summary>
    public bool IsPacked { get; private set; }

    /// <summary>Shapes the buffer (grown, never shrunk; pinned so kernels can hold pointers into it).</summary>
    internal void Prepare(GemmTier tier, int k, int n, int length)
    {
        if (Buffer.Length < length) Buffer = GC.AllocateUninitializedArray<T>(length, pinned: true);
        Tier = tier;
        K = k;
        N = n;
        IsPacked = true;
    }

    /// <summary>Marks the packing stale (its source is about to change).</summary>
    public void Invalidate() => IsPacked = false;
}
