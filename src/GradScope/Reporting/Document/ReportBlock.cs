namespace GradScope.Reporting;

/// <summary>
/// Base of the closed set of things a section can contain. The constructor is private-protected so
/// the writers' type switches stay exhaustive: a new block kind must be added here, next to them.
/// </summary>
public abstract class ReportBlock
{
    private protected ReportBlock() { }
}
