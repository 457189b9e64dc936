using System.Numerics;
using GradScope.Networks;

namespace GradScope.Diagnostics;

/// <summary>
/// One pair of block caches (for θ and for θ⁰) per block structure — block type and layers — reused by every block of
/// that structure. A forward rewrites everything a backward reads (as when a tape is reused from one training step to the
/// next), so a diagnostic that runs its own forward of each block can share them. Their scratch then grows to the size of
/// the largest stacked cotangent once, instead of once in each of the tape's per-block caches: hundreds of MB of fresh
/// pages in a run that analyses one network.
/// </summary>
internal sealed class StructureCaches<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<string, (BlockCache<T> Theta, BlockCache<T> Init)> _byStructure = new();

    public (BlockCache<T> Theta, BlockCache<T> Init) For(Block<T> block)
    {
        string key = block.GetType().Name + ": " + block.Describe();
        if (!_byStructure.TryGetValue(key, out var pair)) _byStructure[key] = pair = (block.CreateCache(), block.CreateCache());
        return pair;
    }
}
