using OxyPlot.Axes;

namespace GradScope.Reporting;

/// <summary>
/// A base-10 log axis whose major ticks are always whole powers of ten, spaced by a "nice" number of
/// decades (1, 2, 3, 5, 10, ...) aligned to multiples of that step, e.g. 10⁰, 10³, 10⁶. OxyPlot's own
/// tick choice mixes in 2·10ⁿ / 3·10ⁿ subdivisions on short ranges and unaligned steps (10⁻¹, 10³, 10⁷)
/// on long ones, both of which are harder to read on gradient-norm plots spanning many decades.
/// </summary>
internal sealed class DecadeLogarithmicAxis : LogarithmicAxis
{
    /// <summary>More labels than this crowd a 400-pixel-high axis with 10ⁿ labels.</summary>
    public const int MaxMajorTicks = 8;

    private static readonly int[] NiceSteps = [1, 2, 3, 5, 10, 20, 25, 50, 100];

    public DecadeLogarithmicAxis()
    {
        Base = 10;
    }

    public override void GetTickValues(out IList<double> majorLabelValues, out IList<double> majorTickValues,
                                       out IList<double> minorTickValues)
    {
        // The tolerance absorbs floating-point noise when the range ends exactly on a decade.
        int first = (int)Math.Ceiling(Math.Log10(ActualMinimum) - 1e-9);
        int last = (int)Math.Floor(Math.Log10(ActualMaximum) + 1e-9);
        var (majors, minors) = DecadeTicks(first, last, ActualMinimum, ActualMaximum);
        majorTickValues = majors;
        majorLabelValues = majors;
        minorTickValues = minors;
    }

    /// <summary>Pure tick computation for decades <paramref name="first"/>..<paramref name="last"/> (exposed for tests).</summary>
    internal static (List<double> Majors, List<double> Minors) DecadeTicks(int first, int last, double min, double max)
    {
        int decades = Math.Max(0, last - first);
        int step = NiceSteps.FirstOrDefault(s => decades / s + 1 <= MaxMajorTicks, NiceSteps[^1]);
        int start = (int)Math.Ceiling(first / (double)step) * step;

        var majors = new List<double>();
        for (int e = start; e <= last; e += step)
            majors.Add(Math.Pow(10, e));

        var minors = new List<double>();
        if (step == 1 && decades <= 4)
        {
            // 2·10ⁿ … 9·10ⁿ: the classic log-paper grid, only while it stays uncluttered.
            for (int e = first - 1; e <= last; e++)
                for (int m = 2; m <= 9; m++)
                {
                    double v = m * Math.Pow(10, e);
                    if (v >= min && v <= max) minors.Add(v);
                }
        }
        else if (step > 1)
        {
            for (int e = first; e <= last; e++)
                if (Mod(e, step) != 0) minors.Add(Math.Pow(10, e));
        }

        return (majors, minors);
    }

    private static int Mod(int value, int modulus) => ((value % modulus) + modulus) % modulus;
}
