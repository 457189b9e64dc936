using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

public class KernelSettingsTests
{
    private sealed class Seen(int count)
    {
        public readonly KernelSettings[] Settings = new KernelSettings[count];
        public readonly int[] Threads = new int[count];
    }

    private readonly struct Record(Seen seen) : IWorkItem
    {
        public void Invoke(int index)
        {
            seen.Settings[index] = KernelSettings.Current;
            seen.Threads[index] = Environment.CurrentManagedThreadId;
            Thread.SpinWait(20_000); // long enough that the worker claims some items too
        }
    }

    [Fact]
    public void Every_pool_item_runs_with_the_callers_settings_and_the_scope_restores_them()
    {
        var pool = new WorkerPool(1);
        var settings = new KernelSettings(ForceScalar: true, VectorTier: VectorTier.Vector256, GemmTier: GemmTier.Avx2,
            GemmSingleThreaded: true, DisableRowParallel: true);
        var seen = new Seen(64);
        using (KernelSettings.Use(settings))
            pool.For(64, new Record(seen));
        Assert.All(seen.Settings, s => Assert.Equal(settings, s));
        Assert.Equal(default, KernelSettings.Current);

        // A later call without overrides reaches the same workers with the defaults again.
        var plain = new Seen(64);
        pool.For(64, new Record(plain));
        Assert.All(plain.Settings, s => Assert.Equal(default, s));
        Assert.True(seen.Threads.Concat(plain.Threads).Distinct().Count() >= 1);
    }
}
