namespace GradScope.Reporting;

public enum AxisScale
{
    Linear,

    /// <summary>A true base-10 logarithmic axis (ticks at powers of ten), not log-transformed data on a linear axis.</summary>
    Log10,
}
