using System.Collections.Concurrent;

namespace GradScope.Tensors;

/// <summary>
/// Scratch for work items on the <see cref="WorkerPool"/>: an item takes a spare one (or makes one) and gives it back
/// when it is done, so as many are made as items ran at once, not one per item, and each is used by one thread at a time.
/// </summary>
internal sealed class ScratchBag<TScratch>(Func<TScratch> create) where TScratch : class
{
    private readonly ConcurrentBag<TScratch> _spare = new();

    /// <summary>A spare scratch until the lease is disposed (<c>using var lease = bag.Take();</c>).</summary>
    public Lease Take() => new(this, _spare.TryTake(out var scratch) ? scratch : create());

    public readonly ref struct Lease(ScratchBag<TScratch> bag, TScratch scratch)
    {
        public TScratch Scratch { get; } = scratch;

        public void Dispose() => bag._spare.Add(Scratch);
    }
}
