using GradScope.Tensors;

namespace GradScope.Tests.Layers;

/// <summary>The element-wise tiers the fused-kernel tests run at: 0 the scalar reference loops, 1 Vector256, 2 the widest
/// tier the CPU has (Vector512 where it has AVX-512; forced, because the tier selected at run time is measured and may be
/// Vector256 on an AVX-512 machine, which would leave the 512-bit loops untested).</summary>
internal static class ElementWiseTiers
{
    public static readonly int[] All = [0, 1, 2];

    public static KernelSettings Settings(int tier) => tier switch
    {
        0 => new KernelSettings(ForceScalar: true),
        1 => new KernelSettings(VectorTier: VectorTier.Vector256),
        _ => new KernelSettings(VectorTier: ElementWise.Detected),
    };
}
