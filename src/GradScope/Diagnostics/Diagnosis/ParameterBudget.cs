using GradScope.Networks;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>Trainable-parameter counts of zoo specs, and the width that spends a given budget at a given depth.</summary>
public static class ParameterBudget
{
    public static long Count(ArchitectureSpec spec) => spec.TrainableParameters;

    /// <summary>
    /// The width whose parameter count is closest to <paramref name="budget"/> for <paramref name="spec"/>'s other
    /// settings (even widths only for looks-linear, which mirrors half-width blocks). The count grows monotonically
    /// with width, so a bisection finds the bracket and the nearer end wins.
    /// </summary>
    public static int WidthFor(ArchitectureSpec spec, long budget)
    {
        int step = spec.Init == InitKind.LooksLinear ? 2 : 1;
        int min = spec.Init == InitKind.LooksLinear ? Math.Max(2, 2 * spec.Classes) : 1;
        min += min % step;
        long CountAt(int width) => Count(spec with { Width = width });
        if (CountAt(min) >= budget) return min;
        int lo = min, hi = min;
        while (CountAt(hi) < budget) { lo = hi; hi = Math.Max(hi * 2, hi + step); hi += hi % step; }
        while (hi - lo > step)
        {
            int mid = lo + (hi - lo) / 2;
            mid -= (mid - min) % step;
            if (mid <= lo) mid = lo + step;
            if (CountAt(mid) < budget) lo = mid; else hi = mid;
        }
        return budget - CountAt(lo) <= CountAt(hi) - budget ? lo : hi;
    }

    /// <summary><paramref name="spec"/> at <paramref name="depth"/> with the width that keeps the parameter count nearest <paramref
    /// name="budget"/>.</summary>
    public static ArchitectureSpec AtBudget(ArchitectureSpec spec, int depth, long budget)
    {
        var shaped = spec with { LinearLayers = depth };
        return shaped with { Width = WidthFor(shaped, budget) };
    }
}
