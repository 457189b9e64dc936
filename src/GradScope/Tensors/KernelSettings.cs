namespace GradScope.Tensors;

/// <summary>
/// The switches that select kernel paths for work started on one thread: tests compare the fast paths with their
/// scalar references and force tiers, benchmarks time one thread or the layer-by-layer training path. One value
/// per thread (the default value: no overrides); <see cref="WorkerPool.For{TWork}"/> captures the caller's value
/// and applies it on the workers for the items they run, so a setting reaches every thread a pass runs on.
/// </summary>
/// <param name="ForceScalar">Element-wise drivers run their scalar reference loops.</param>
/// <param name="VectorTier">Element-wise tier instead of the selected one (null: the tier chosen at start-up).</param>
/// <param name="GemmTier">GEMM tier instead of the selected one (null: the tier chosen at start-up).</param>
/// <param name="GemmSingleThreaded">GEMMs stay on the calling thread (benchmarks of the 1-thread speed).</param>
/// <param name="DisableRowParallel">Training passes go layer by layer even where the row-parallel path applies.</param>
internal readonly record struct KernelSettings(
    bool ForceScalar = false,
    VectorTier? VectorTier = null,
    GemmTier? GemmTier = null,
    bool GemmSingleThreaded = false,
    bool DisableRowParallel = false)
{
    [ThreadStatic] private static KernelSettings t_current;

    /// <summary>The settings of the current thread.</summary>
    public static KernelSettings Current
    {
        get => t_current;
        internal set => t_current = value;
    }

    /// <summary>Applies <paramref name="settings"/> to the current thread until the returned scope is disposed.</summary>
    public static Scope Use(KernelSettings settings)
    {
        var previous = t_current;
        t_current = settings;
        return new Scope(previous);
    }

    /// <summary>Restores the settings a <see cref="Use"/> replaced.</summary>
    public readonly struct Scope(KernelSettings previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
