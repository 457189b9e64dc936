using System.Globalization;

namespace GradScope.Reporting;

/// <summary>
/// Number formatting for humans reading reports: a fixed number of significant digits, scientific
/// notation only when plain decimals would be unreadable, "—" for missing. Always invariant culture,
/// so a report reads the same on every machine. (CSV output uses <see cref="CsvWriter"/>, which keeps
/// full precision instead.)
/// </summary>
public static class ReportNumber
{
    public const string MissingText = "—";

    /// <summary>Magnitudes from 1e-3 up to (excluding) 1e5 are written as plain decimals.</summary>
    public const int MinPlainExponent = -3;

    public const int MaxPlainExponent = 4;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(double? value, int significantDigits = 3) =>
        value is { } v ? Format(v, significantDigits) : MissingText;

    /// <summary>
    /// 0.5 → "0.500", 1234.5 → "1235" (integer digits are never rounded away in plain notation),
    /// 1.5e7 → "1.50e7", 4.2e-5 → "4.20e-5", NaN → "—", ∞ → "∞".
    /// </summary>
    public static string Format(double value, int significantDigits = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(significantDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(significantDigits, 15);
        if (double.IsNaN(value)) return MissingText;
        if (double.IsPositiveInfinity(value)) return "∞";
        if (double.IsNegativeInfinity(value)) return "-∞";
        if (value == 0) return "0";

        // Decide the notation from the exponent *after* rounding (which "E" formatting does for us),
        // so 99999.6 becomes "1.00e5" rather than "100000", and 9.996 becomes "10.0" rather than "10.00".
        string scientific = value.ToString("E" + (significantDigits - 1), Invariant); // e.g. "-1.50E+007"
        int e = scientific.IndexOf('E');
        int exponent = int.Parse(scientific.AsSpan(e + 1), NumberStyles.AllowLeadingSign, Invariant);

        if (exponent < MinPlainExponent || exponent > MaxPlainExponent)
            return scientific[..e] + "e" + exponent.ToString(Invariant);

        int decimals = Math.Clamp(significantDigits - 1 - exponent, 0, 15);
        return Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals, Invariant);
    }

    public static string Integer(long? value) => value is { } v ? v.ToString("N0", Invariant) : MissingText;

    /// <summary>A fraction as a percentage: 0.125 → "12.5%".</summary>
    public static string Percent(double? fraction, int decimals = 1) =>
        fraction is { } f && double.IsFinite(f) ? (f * 100).ToString("F" + decimals, Invariant) + "%" : MissingText;

    /// <summary>Wall-clock durations at a sensible resolution: "850 ms", "12.3 s", "4 min 05 s", "2 h 07 min".</summary>
    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d) return MissingText;
        if (d < TimeSpan.Zero) return "-" + Duration(d.Negate());
        if (d.TotalSeconds < 1) return $"{d.TotalMilliseconds.ToString("F0", Invariant)} ms";
        if (d.TotalMinutes < 1) return $"{d.TotalSeconds.ToString("F1", Invariant)} s";
        if (d.TotalHours < 1) return $"{(int)d.TotalMinutes} min {d.Seconds:00} s";
        return $"{(int)d.TotalHours} h {d.Minutes:00} min";
    }
}
