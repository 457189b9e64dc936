namespace GradScope.Reporting;

/// <summary>A plot with its caption. Writers number figures in document order ("Figure 3.").</summary>
public sealed class FigureBlock(PlotSpec plot, string caption) : ReportBlock
{
    public PlotSpec Plot { get; } = plot ?? throw new ArgumentNullException(nameof(plot));

    /// <summary>Supports the inline subset. Data-cleaning notes from rendering are appended after it.</summary>
    public string Caption { get; } = caption ?? throw new ArgumentNullException(nameof(caption));
}
