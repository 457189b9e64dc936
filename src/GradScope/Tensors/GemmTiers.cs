using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GradScope.Tensors;

/// <summary>The instruction-set tiers of the GEMM engine, best first in <see cref="GemmTiers.Detected"/>.</summary>
internal enum GemmTier
{
    /// <summary><see cref="GemmReference"/>: the triple loop, for machines without SIMD FMA.</summary>
    Scalar,
    /// <summary>Vector256 (AVX2 + FMA) micro-kernels: 16 vector registers.</summary>
    Avx2,
    /// <summary>Vector512 (AVX-512F) micro-kernels: 32 vector registers.</summary>
    Avx512,
}

/// <summary>
/// The GEMM tiers the CPU supports, from what the JIT reports; <see cref="TierSelection"/> picks the fastest of them.
/// Setting <c>DOTNET_EnableAVX512=0</c> (and <c>DOTNET_EnableAVX2=0</c>) before the process starts hides the upper
/// tiers. Tests can also force a tier for the current thread with <see cref="KernelSettings.GemmTier"/>; forcing a tier the
/// hardware lacks is allowed and still correct (the JIT emulates the vector operations, slowly).
/// </summary>
internal static class GemmTiers
{
    public static readonly bool HasAvx512 = Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
    public static readonly bool HasAvx2 = Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    public static readonly GemmTier Detected =
        HasAvx512 ? GemmTier.Avx512 :
        HasAvx2 ? GemmTier.Avx2 :
        GemmTier.Scalar;

    /// <summary>The tier of GEMMs started on this thread: <see cref="KernelSettings.GemmTier"/>, else the fastest one
    /// measured on this CPU (<see cref="TierSelection"/>).</summary>
    public static GemmTier Active => KernelSettings.Current.GemmTier ?? TierSelection.Gemm;

    /// <summary>Human-readable summary, e.g. for a run's provenance record.</summary>
    public static string Describe() =>
        $"{Active} (widest supported {Detected}; AVX-512F {HasAvx512}, AVX2+FMA {HasAvx2}; {WorkerPool.Shared.Concurrency} threads; " +
        $"{TierSelection.Description})";
}
