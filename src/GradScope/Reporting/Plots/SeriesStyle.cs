namespace GradScope.Reporting;

public enum SeriesStyle
{
    /// <summary>Measured values at a few x positions (e.g. depths): line plus markers so each measurement is visible.</summary>
    LineWithMarkers,
    Line,
    Markers,

    /// <summary>Dashed line without markers, for reference curves such as a theoretical prediction.</summary>
    Dashed,
}
