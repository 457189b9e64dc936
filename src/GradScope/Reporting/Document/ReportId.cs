using System.Text.RegularExpressions;

namespace GradScope.Reporting;

/// <summary>
/// Ids are used verbatim as HTML ids, SVG clip-path prefixes and file names, so they are restricted
/// to a set that is safe in all three without escaping.
/// </summary>
internal static partial class ReportId
{
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex ValidId();

    public static string Require(string id, string paramName)
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        if (!ValidId().IsMatch(id))
            throw new ArgumentException(
                $"Report id '{id}' must start with a letter and contain only letters, digits, '-' or '_'.", paramName);
        return id;
    }
}
