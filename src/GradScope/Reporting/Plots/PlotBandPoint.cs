namespace GradScope.Reporting;

/// <summary>The range of values at one x behind a mean curve (e.g. the lowest and highest seed).</summary>
public readonly record struct PlotBandPoint(double X, double Low, double High);
