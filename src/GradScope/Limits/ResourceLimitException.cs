namespace GradScope.Limits;

/// <summary>
/// A request (network size, batch, classes, file) would need more memory than allowed; thrown before anything is
/// allocated, with the amount it would need. The CLI maps it to exit code 2: the options asked for too much.
/// </summary>
public sealed class ResourceLimitException(string message) : ArgumentException(message);
