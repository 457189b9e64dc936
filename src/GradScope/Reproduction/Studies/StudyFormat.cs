using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>How the studies show a learning-rate search's best rate and a quantity's seed-to-seed spread.</summary>
internal static class StudyFormat
{
    /// <summary>The best rate, flagged when it sits at an edge of its grid (the optimum may lie beyond).</summary>
    public static TableCell BestRate(SearchResult s) => s.BestLearningRate is not double lr
        ? TableCell.Missing(s.Runs.Count > 0 && s.Diverged == s.Runs.Count ? "all diverged" : StudyText.MissingText)
        : s.Position switch
        {
            GridPosition.LowestEdge => new TableCell($"{StudyText.F(lr)} (grid bottom)", CellStatus.Warn),
            GridPosition.HighestEdge => new TableCell($"{StudyText.F(lr)} (grid top)", CellStatus.Warn),
            _ => TableCell.Number(lr),
        };

    /// <summary>Words for the CSV: interior, lowest edge, highest edge or single point.</summary>
    public static string? PositionName(GridPosition? position) => position switch
    {
        GridPosition.Interior => "interior",
        GridPosition.LowestEdge => "at grid edge (lowest)",
        GridPosition.HighestEdge => "at grid edge (highest)",
        GridPosition.SinglePoint => "single point",
        _ => null,
    };

    /// <summary>A percentage with its seed range, e.g. "12.3 % (11.9–12.7 %)"; seeds that agree show the value alone.</summary>
    public static TableCell Pct(SeedSpread? s) => s is null ? TableCell.Missing(StudyText.MissingText)
        : new TableCell(s.Count > 1 && s.Range > 0
            ? $"{ReportNumber.Percent(s.Mean)} ({ReportNumber.Percent(s.Min)}–{ReportNumber.Percent(s.Max)})"
            : ReportNumber.Percent(s.Mean));

    /// <summary>A number with its seed range; seeds that agree (e.g. the same integer depth) show the value alone.</summary>
    public static TableCell Num(SeedSpread? s, int digits = 3) => s is null ? TableCell.Missing(StudyText.MissingText)
        : new TableCell(s.Count > 1 && s.Range > 0
            ? $"{StudyText.F(s.Mean, digits)} ({StudyText.F(s.Min, digits)}–{StudyText.F(s.Max, digits)})"
            : StudyText.F(s.Mean, digits));
}
