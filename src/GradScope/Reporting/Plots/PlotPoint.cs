namespace GradScope.Reporting;

public readonly record struct PlotPoint(double X, double Y);
