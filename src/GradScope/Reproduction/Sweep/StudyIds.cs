namespace GradScope.Reproduction;

/// <summary>The studies of <c>gradscope reproduce</c>, in report order.</summary>
public static class StudyIds
{
    public const string Init = "init";
    public const string Training = "training";
    public const string Taylor = "taylor";
    public const string Dilution = "dilution";
    public const string Orthogonal = "orthogonal";
    public const string WidthDepth = "width-depth";
    public const string Claims = "claims";

    public static readonly IReadOnlyList<string> All = [Init, Training, Taylor, Dilution, Orthogonal, WidthDepth, Claims];

    /// <summary>Parses <c>--studies init,training</c>; numbers 1–7 are accepted too.</summary>
    public static IReadOnlyList<string> Parse(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return All;
        var chosen = new List<string>();
        foreach (string raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = raw.ToLowerInvariant();
            if (int.TryParse(name, out int n) && n >= 1 && n <= All.Count) name = All[n - 1];
            if (name is "width-vs-depth" or "widthdepth") name = WidthDepth;
            if (name is "orth") name = Orthogonal;
            if (!All.Contains(name))
                throw new ArgumentException($"Unknown study '{raw}'. Valid: {string.Join(", ", All)} (or 1–{All.Count}).");
            if (!chosen.Contains(name)) chosen.Add(name);
        }
        return chosen;
    }
}
