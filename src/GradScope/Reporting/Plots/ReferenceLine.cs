namespace GradScope.Reporting;

/// <summary>A horizontal guide line across the plot, e.g. y = 1 for "no explosion".</summary>
public sealed record ReferenceLine(double Y, string? Label = null);
