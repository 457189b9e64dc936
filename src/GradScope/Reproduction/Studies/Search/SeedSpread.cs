using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>One quantity over the seeds of a run: mean, smallest and largest value and how many seeds gave it.</summary>
public sealed record SeedSpread(double Mean, double Min, double Max, int Count)
{
    /// <summary>The spread of the finite values, or null when there are none.</summary>
    public static SeedSpread? Of(IEnumerable<double?> values)
    {
        var finite = values.OfType<double>().Where(double.IsFinite).ToList();
        return finite.Count == 0 ? null : new SeedSpread(finite.Average(), finite.Min(), finite.Max(), finite.Count);
    }

    /// <summary>A single measurement (one seed): no spread.</summary>
    public static SeedSpread One(double value) => new(value, value, value, 1);

    public double Range => Max - Min;

    /// <summary>"7 (seeds 6–8)", or the value alone for one seed.</summary>
    public string Describe(int digits = 3) => Count > 1
        ? $"{ReportNumber.Format(Mean, digits)} (seeds {ReportNumber.Format(Min, digits)}–{ReportNumber.Format(Max, digits)})"
        : ReportNumber.Format(Mean, digits);

    /// <summary>True when the two intervals [Min, Max] do not overlap: the difference is larger than the seed-to-seed spread.</summary>
    public bool SeparatedFrom(SeedSpread other) => Max < other.Min || other.Max < Min;
}
