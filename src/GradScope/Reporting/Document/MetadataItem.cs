namespace GradScope.Reporting;

/// <summary>A label/value fact shown in the report header. The value supports the inline subset, e.g. "`gradscope study`".</summary>
public sealed record MetadataItem(string Label, string Value);
