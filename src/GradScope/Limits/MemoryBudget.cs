using System.Globalization;

namespace GradScope.Limits;

/// <summary>
/// The one check every large allocation passes first: sizes are computed in 64-bit and compared with the memory
/// the process may use (the GC's view of the machine or container limit), so an impossible request fails with the
/// amount it would need instead of an OverflowException, an OutOfMemoryException or the kernel's OOM killer.
/// </summary>
public static class MemoryBudget
{
    /// <summary>
    /// Share of the available memory one request may take; the rest is headroom for the runtime, tapes and the
    /// other copies commands make (θ, θ⁰, gradients, optimizer slots are counted by the callers).
    /// </summary>
    public const double UsableFraction = 0.8;

    /// <summary>Caps the memory GradScope plans for, e.g. <c>GRADSCOPE_MEMORY_LIMIT=4GB</c> on a shared machine.</summary>
    public const string EnvironmentVariable = "GRADSCOPE_MEMORY_LIMIT";

    /// <summary>Bytes this process can use: the GC's limit (physical memory or the container's cap), or less when capped.</summary>
    public static long AvailableBytes
    {
        get
        {
            long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (total <= 0) total = long.MaxValue;
            return ParseLimit(Environment.GetEnvironmentVariable(EnvironmentVariable)) is long cap ? Math.Min(cap, total) : total;
        }
    }

    /// <summary>"4GB", "512MB", "1073741824"; null when unset or unreadable (then the machine's limit applies).</summary>
    public static long? ParseLimit(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim().ToUpperInvariant();
        long unit = text.EndsWith("GB", StringComparison.Ordinal) ? 1L << 30 : text.EndsWith("MB", StringComparison.Ordinal) ? 1L << 20 : 1;
        string number = unit == 1 ? text : text[..^2];
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0
            ? (long)Math.Min(value * unit, long.MaxValue)
            : null;
    }

    /// <summary>Throws <see cref="ResourceLimitException"/> when <paramref name="bytes"/> exceed the usable memory.</summary>
    /// <param name="what">What needs the memory, e.g. "relu d50 w100000 (2,500,000,000 parameters)".</param>
    public static void Require(long bytes, string what) => Require(bytes, what, AvailableBytes);

    /// <summary>The check with the available memory passed in, so tests need not depend on the machine.</summary>
    public static void Require(long bytes, string what, long availableBytes)
    {
        if (bytes < 0) throw new ResourceLimitException($"{what} is too large to count in 64 bits.");
        long usable = (long)(availableBytes * UsableFraction);
        if (bytes > usable)
        {
            string? set = Environment.GetEnvironmentVariable(EnvironmentVariable);
            string cap = string.IsNullOrEmpty(set) ? "" : $" ({EnvironmentVariable}={set})";
            throw new ResourceLimitException($"{what} would need {Format(bytes)} of memory; this machine allows {Format(usable)}{cap}.");
        }
    }

    /// <summary>a × b × … in 64 bits; long.MaxValue when even that overflows (any check then fails).</summary>
    public static long Product(params long[] factors)
    {
        long result = 1;
        foreach (long f in factors)
        {
            if (f < 0) return long.MaxValue;
            if (f != 0 && result > long.MaxValue / f) return long.MaxValue;
            result *= f;
        }
        return result;
    }

    /// <summary>a + b + … saturating at long.MaxValue.</summary>
    public static long Sum(params long[] terms)
    {
        long result = 0;
        foreach (long t in terms) result = t > long.MaxValue - result ? long.MaxValue : result + t;
        return result;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
    };
}
