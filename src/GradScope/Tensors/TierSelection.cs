using System.Diagnostics;
using System.Globalization;

namespace GradScope.Tensors;

/// <summary>
/// Picks, once per process, the tier the GEMM and element-wise kernels run at by timing the tiers this CPU supports
/// — wider is not always faster (AVX-512 clocks down on some Intel parts; some AMD parts split 512-bit operations in
/// two). Every tier gives bit-identical results (<c>TierAgreementTests</c>), so the choice changes speed only, never
/// a number. The timings take a few milliseconds: GEMM with the row-slice shape of a training step (64 × 100 × 100,
/// one thread) and an element-wise pass of 16 Ki floats, tiers interleaved and the best of several rounds kept, so
/// a burst of load from another process does not decide. The kernels are compiled fully optimised on first use
/// (<c>AggressiveOptimization</c>), so the first calls already time the final code.
/// <para>
/// <c>GRADSCOPE_TIER=avx512|avx2|scalar</c> replaces the measurement (benchmarks time each tier this way);
/// <c>DOTNET_EnableAVX512=0</c> hides AVX-512 from the runtime altogether (.NET 10 spelling; the older
/// <c>DOTNET_EnableAVX512F</c> no longer does).
/// </para>
/// </summary>
internal static class TierSelection
{
    /// <summary>The tier of GEMMs that do not force one.</summary>
    public static GemmTier Gemm => Chosen.Gemm;

    /// <summary>The tier of element-wise kernels that do not force one.</summary>
    public static VectorTier Vector => Chosen.Vector;

    /// <summary>How the tiers were chosen, with the timings (for run records and benchmark output).</summary>
    public static string Description => Chosen.Description;

    private static class Chosen
    {
        public static readonly GemmTier Gemm;
        public static readonly VectorTier Vector;
        public static readonly string Description;

        static Chosen() => (Gemm, Vector, Description) = Choose(Environment.GetEnvironmentVariable("GRADSCOPE_TIER"));
    }

    internal static (GemmTier Gemm, VectorTier Vector, string Description) Choose(string? requested)
    {
        switch (requested?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                break;
            case "avx512" when GemmTiers.HasAvx512:
                return (GemmTier.Avx512, VectorTier.Vector512, "AVX-512 (GRADSCOPE_TIER)");
            case "avx2" when GemmTiers.HasAvx2:
                return (GemmTier.Avx2, VectorTier.Vector256, "AVX2 (GRADSCOPE_TIER)");
            case "scalar":
                return (GemmTier.Scalar, VectorTier.Scalar, "scalar (GRADSCOPE_TIER)");
            default:
                // An unknown or unsupported request falls back to the measurement and says so in the description.
                var measured = Measure();
                return (measured.Gemm, measured.Vector, $"{measured.Description}; GRADSCOPE_TIER={requested} not available here");
        }
        return Measure();
    }

    private static (GemmTier Gemm, VectorTier Vector, string Description) Measure()
    {
        if (!GemmTiers.HasAvx512)
        {
            var only = GemmTiers.Detected;
            return (only, ElementWise.Detected, only == GemmTier.Avx2 ? "AVX2 (the widest tier here)" : "scalar (no AVX2 + FMA)");
        }
        const int rounds = 7;
        var gemm = new GemmProbe();
        var map = new MapProbe();
        double g512 = double.MaxValue, g256 = double.MaxValue, m512 = double.MaxValue, m256 = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            g512 = Math.Min(g512, gemm.Time(GemmTier.Avx512));
            g256 = Math.Min(g256, gemm.Time(GemmTier.Avx2));
            m512 = Math.Min(m512, map.Time(VectorTier.Vector512));
            m256 = Math.Min(m256, map.Time(VectorTier.Vector256));
        }
        var gemmTier = g512 <= g256 ? GemmTier.Avx512 : GemmTier.Avx2;
        var vectorTier = m512 <= m256 ? VectorTier.Vector512 : VectorTier.Vector256;
        string F(double seconds) => (seconds * 1e6).ToString("0.0", CultureInfo.InvariantCulture);
        return (gemmTier, vectorTier,
            $"measured: GEMM {gemmTier} (AVX-512 {F(g512)} µs, AVX2 {F(g256)} µs per 64×100×100), " +
            $"element-wise {vectorTier} (512-bit {F(m512)} µs, 256-bit {F(m256)} µs per 16 Ki floats)");
    }

    /// <summary>Seconds per call of the row-slice forward product at a forced tier, one thread.</summary>
    private sealed class GemmProbe
    {
        private const int M = 64, N = 100, K = 100, Calls = 8;
        private readonly float[] _a = Filled(M * K), _b = Filled(N * K), _c = new float[M * N];

        public double Time(GemmTier tier)
        {
            using var scope = KernelSettings.Use(new KernelSettings(GemmTier: tier, GemmSingleThreaded: true));
            Tensors.Gemm.Multiply(Op.None, Op.Transpose, M, N, K, 1f, _a, K, _b, K, 0f, _c, N);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Calls; i++) Tensors.Gemm.Multiply(Op.None, Op.Transpose, M, N, K, 1f, _a, K, _b, K, 0f, _c, N);
            return Stopwatch.GetElapsedTime(start).TotalSeconds / Calls;
        }
    }

    /// <summary>Seconds per call of a residual-style element-wise pass (x + w·y) at a forced tier.</summary>
    private sealed class MapProbe
    {
        private const int Length = 16 * 1024, Calls = 8;
        private readonly float[] _x = Filled(Length), _y = Filled(Length), _d = new float[Length];

        public double Time(VectorTier tier)
        {
            using var scope = KernelSettings.Use(new KernelSettings(VectorTier: tier));
            var op = new AddScaledOperator<float>(0.5f);
            ElementWise.Map<float, AddScaledOperator<float>>(_x, _y, _d, op);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Calls; i++) ElementWise.Map<float, AddScaledOperator<float>>(_x, _y, _d, op);
            return Stopwatch.GetElapsedTime(start).TotalSeconds / Calls;
        }
    }

    private static float[] Filled(int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (i % 17 - 8) * 0.125f;
        return values;
    }
}
