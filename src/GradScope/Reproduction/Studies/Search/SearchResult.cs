using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// A learning-rate search over one or more seeds. The best rate is the one with the lowest mean final training
/// error over its seeds among the rates where no seed diverged; <see cref="Best"/> is that rate's run of the
/// first seed (shown in curves), <see cref="BestRuns"/> all its seeds (their spread is shown beside the mean).
/// </summary>
public sealed record SearchResult(string Architecture, OptimizerKind Optimizer, IReadOnlyList<double> Grid,
    IReadOnlyList<TrainCellResult> Runs, int Planned)
{
    public int Missing => Planned - Runs.Count;
    public int Diverged => Runs.Count(r => r.Diverged);

    /// <summary>The best learning rate, or null when every finished rate had a diverged or unfinished seed.</summary>
    public double? BestLearningRate { get; } = ChooseBest(Runs);

    public IReadOnlyList<TrainCellResult> BestRuns => BestLearningRate is double lr ? [.. Runs.Where(r => r.LearningRate == lr).OrderBy(r =>
        r.Seed)] : [];

    public TrainCellResult? Best => BestRuns.FirstOrDefault();

    public GridPosition? Position => BestLearningRate is double lr ? PositionIn(Grid, lr) : null;

    /// <summary>A quantity of the best rate's runs over their seeds.</summary>
    public SeedSpread? Spread(Func<TrainCellResult, double?> value) => SeedSpread.Of(BestRuns.Select(value));

    /// <summary>Seeds of the best rate.</summary>
    public int Seeds => BestRuns.Count;

    public static GridPosition PositionIn(IReadOnlyList<double> grid, double rate)
    {
        if (grid.Count < 2) return GridPosition.SinglePoint;
        if (rate <= grid.Min()) return GridPosition.LowestEdge;
        return rate >= grid.Max() ? GridPosition.HighestEdge : GridPosition.Interior;
    }

    private static double? ChooseBest(IReadOnlyList<TrainCellResult> runs)
    {
        double? best = null;
        double bestError = double.PositiveInfinity;
        foreach (var group in runs.GroupBy(r => r.LearningRate).OrderBy(g => g.Key))
        {
            // A rate at which any seed diverged is unstable, whatever its other seeds reached.
            if (group.Any(r => r.Diverged || r.TrainError is not double e || !double.IsFinite(e))) continue;
            double mean = group.Average(r => r.TrainError!.Value);
            if (mean < bestError) (best, bestError) = (group.Key, mean);
        }
        return best;
    }
}
