using GradScope.Diagnostics;

namespace GradScope.Reproduction;

/// <summary>
/// One seed's Taylor experiment on a trained network (best learning rate): its effective depth by gradient truncation (the
/// one judged), the SPEC's λ-share value (shown), and the training error for each m of replaced blocks from the input side
/// and from the output side.
/// </summary>
public sealed record TaylorSeed(double EffectiveDepth, double? SpecEffectiveDepth, IReadOnlyList<TaylorPoint> FromInput,
    IReadOnlyList<TaylorPoint> FromOutput)
{
    public IReadOnlyList<TaylorPoint> Side(TaylorSide side) => side == TaylorSide.NearestInput ? FromInput : FromOutput;
}

/// <summary>The Taylor experiment of one trained network over the seeds of its best learning rate.</summary>
public sealed record TaylorNet(string Label, int Blocks, IReadOnlyList<TaylorSeed> Seeds)
{
    /// <summary>Smallest m whose error exceeds m = 0's by 5 points; null when none does (or m = 0 is missing).</summary>
    public static int? Onset(IReadOnlyList<TaylorPoint> points)
    {
        var baseline = points.FirstOrDefault(p => p.Replaced == 0);
        if (baseline is null) return null;
        return points.Where(p => p.Error > baseline.Error + ClaimThresholds.TaylorOnsetError).Select(p => (int?)p.Replaced).Min();
    }

    /// <summary>Onset as a fraction of the blocks; a net that never degrades counts as (L + 1)/L; null when the side was not run.</summary>
    public double? RelativeOnset(TaylorSeed seed, TaylorSide side)
    {
        var points = seed.Side(side);
        return points.Count < 2 ? null : (Onset(points) ?? Blocks + 1) / (double)Blocks;
    }

    public double RelativeDepth(TaylorSeed seed) => seed.EffectiveDepth / Blocks;

    /// <summary>Mean over the seeds that ran the side of (relative effective depth, relative onset); null when none did.</summary>
    public (double Depth, double Onset)? Mean(TaylorSide side)
    {
        var measured = Seeds.Where(s => RelativeOnset(s, side) is not null).ToList();
        return measured.Count == 0 ? null
            : (measured.Average(RelativeDepth), measured.Average(s => RelativeOnset(s, side)!.Value));
    }
}
