namespace GradScope.Data;

/// <summary>
/// The requested dataset is not where we looked. Derives from <see cref="DataFormatException"/> so
/// callers that report bad data also report missing data; the message says how to obtain it.
/// </summary>
public sealed class DatasetNotFoundException : DataFormatException
{
    public DatasetNotFoundException(string message) : base(message) { }
}
