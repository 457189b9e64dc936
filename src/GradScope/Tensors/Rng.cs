using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GradScope.Tensors;

/// <summary>
/// A small, fully specified pseudo-random generator (xoshiro256**, seeded through SplitMix64),
/// so that every run is reproducible from its seed on any machine and .NET version —
/// System.Random's algorithm is an implementation detail we do not want results to depend on.
/// </summary>
public sealed class Rng
{
    private State _state;
    private double? _spareGaussian;

    /// <summary>The xoshiro256** state: a value, so that bulk draws can keep it in registers.</summary>
    private struct State
    {
        public ulong S0, S1, S2, S3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Next()
        {
            ulong result = ulong.RotateLeft(S1 * 5, 7) * 9;
            ulong t = S1 << 17;
            S2 ^= S0;
            S3 ^= S1;
            S1 ^= S2;
            S0 ^= S3;
            S2 ^= t;
            S3 = ulong.RotateLeft(S3, 45);
            return result;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        /// <summary>One pair of the Marsaglia polar method: returns the first deviate, <paramref name="second"/> the spare.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double NextGaussianPair(out double second)
        {
            NextPolarPoint(out double u, out double v);
            (double first, second) = PolarDeviates(u, v);
            return first;
        }

        /// <summary>The accepted point of the polar method: uniform in the unit disc without its centre.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void NextPolarPoint(out double u, out double v)
        {
            double s;
            do
            {
                u = 2 * NextDouble() - 1;
                v = 2 * NextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
        }

        /// <summary>The two deviates of an accepted point (u, v).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (double First, double Second) PolarDeviates(double u, double v)
        {
            double s = u * u + v * v;
            double factor = Math.Sqrt(-2 * Math.Log(s) / s);
            return (u * factor, v * factor);
        }
    }

    public Rng(ulong seed)
    {
        ulong x = seed;
        _state.S0 = SplitMix64(ref x);
        _state.S1 = SplitMix64(ref x);
        _state.S2 = SplitMix64(ref x);
        _state.S3 = SplitMix64(ref x);
    }

    /// <summary>A generator for an independent stream derived from a seed and stream labels (e.g. seed, epoch).</summary>
    public static Rng ForStream(ulong seed, params ulong[] labels)
    {
        ulong x = seed;
        foreach (ulong label in labels)
        {
            x ^= label + 0x9E3779B97F4A7C15UL;
            x = SplitMix64(ref x);
        }
        return new Rng(x);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => _state.Next();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _state.NextDouble();

    /// <summary>Uniform integer in [0, n), unbiased (Lemire's method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 product = (UInt128)r * bound;
            if ((ulong)product >= threshold) return (int)(product >> 64);
        }
    }

    /// <summary>Standard normal deviate (Marsaglia polar method; the spare is kept).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double first = _state.NextGaussianPair(out double second);
        _spareGaussian = second;
        return first;
    }

    /// <summary>
    /// Fills <paramref name="target"/> with the deviates that as many <see cref="NextGaussian"/> calls would return, in the
    /// same order and leaving the same state (spare included), with the generator state kept in registers and the loop
    /// compiled optimised from the first call: the diagnostics draw millions of probe entries in runs that last a second.
    /// </summary>
    public void FillGaussian(Span<double> target)
    {
        var (start, length) = DrawGaussianPairs(target);
        FinishGaussianPairs(target.Slice(start, length));
    }

    /// <summary>
    /// The sequential half of <see cref="FillGaussian"/>: advances the generator exactly as <see cref="FillGaussian"/> does and
    /// writes every deviate of <paramref name="target"/> except that the pairs of the returned range are left as the accepted
    /// polar points (u, v); <see cref="FinishGaussianPairs"/> turns them into the deviates, on any thread. The transform (a
    /// logarithm, a square root and a division per pair) is most of the cost, so it can run in parallel while the draws
    /// stay in one sequence.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (int Start, int Length) DrawGaussianPairs(Span<double> target)
    {
        int i = 0;
        if (target.IsEmpty) return (0, 0);
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            target[i++] = spare;
        }
        int start = i;
        var state = _state;
        // Every candidate is written and the position moves on only when it is accepted: no branch on the acceptance, which
        // is random (one candidate in five is rejected) and cost more than the generator itself.
        int end = start + (target.Length - start) / 2 * 2;
        ref double first = ref MemoryMarshal.GetReference(target);
        while (i < end)
        {
            double u = 2 * state.NextDouble() - 1;
            double v = 2 * state.NextDouble() - 1;
            double s = u * u + v * v;
            Unsafe.Add(ref first, i) = u;
            Unsafe.Add(ref first, i + 1) = v;
            i += 2 * (Unsafe.BitCast<bool, byte>(s < 1) & Unsafe.BitCast<bool, byte>(s != 0));
        }
        int length = i - start;
        if (i < target.Length)
        {
            target[i] = state.NextGaussianPair(out double second);
            _spareGaussian = second;
        }
        _state = state;
        return (start, length);
    }

    /// <summary>Replaces each polar point (u, v) of <paramref name="pairs"/> (from <see cref="DrawGaussianPairs"/>) by its two
    /// deviates: the arithmetic of <see cref="NextGaussian"/>, so the bits are the same.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FinishGaussianPairs(Span<double> pairs)
    {
        for (int i = 0; i + 1 < pairs.Length; i += 2) (pairs[i], pairs[i + 1]) = State.PolarDeviates(pairs[i], pairs[i + 1]);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<TItem>(Span<TItem> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
