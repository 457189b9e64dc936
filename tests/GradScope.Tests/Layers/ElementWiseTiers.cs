using GradScope.Tensors;

namespace GradScope.Tests.Layers;

/// <summary>The element-wise tiers the fused-kernel tests run at: 0 the scalar reference loops, 1 Vector256, 2 the tier
/// selected on this machine (Vector512 where the CPU has it).</summary>
internal static class ElementWiseTiers
{
    public static readonly int[] All = [0, 1, 2];

    public static KernelSettings Settings(int tier) => tier switch
    {
        0 => new KernelSettings(ForceScalar: true),
        1 => new KernelSettings(VectorTier: VectorTier.Vector256),
        _ => new KernelSettings(),
    };
}
