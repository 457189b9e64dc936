namespace GradScope.Tensors;

/// <summary>
/// A small, fully specified pseudo-random generator (xoshiro256**, seeded through SplitMix64),
/// so that every run is reproducible from its seed on any machine and .NET version —
/// System.Random's algorithm is an implementation detail we do not want results to depend on.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
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

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

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
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        return u * factor;
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
