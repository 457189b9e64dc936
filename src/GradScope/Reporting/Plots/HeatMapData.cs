namespace GradScope.Reporting;

/// <summary>
/// A matrix shown as coloured cells (e.g. GSC(k, l)): <c>Values[i, j]</c> is the cell at x = XStart + i, y = YStart + j.
/// NaN cells (undefined entries) are left blank. With <see cref="LogColor"/> the colour scale is log10 of the values,
/// and non-positive values are left blank too.
/// </summary>
public sealed record HeatMapData(double[,] Values, string ColorLabel, bool LogColor = false, double XStart = 0, double YStart = 0);
