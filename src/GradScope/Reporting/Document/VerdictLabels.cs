namespace GradScope.Reporting;

/// <summary>Shared wording for verdicts, so HTML badges and Markdown tables say the same thing.</summary>
internal static class VerdictLabels
{
    public static string Text(ClaimVerdict verdict) => verdict switch
    {
        ClaimVerdict.Holds => "holds",
        ClaimVerdict.DoesNotHold => "does not hold",
        ClaimVerdict.Inconclusive => "inconclusive",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>A symbol next to the word, so the verdict does not rely on badge colour alone.</summary>
    public static string Symbol(ClaimVerdict verdict) => verdict switch
    {
        ClaimVerdict.Holds => "✓",
        ClaimVerdict.DoesNotHold => "✗",
        _ => "?",
    };

    public static string CssName(ClaimVerdict verdict) => Text(verdict).Replace(' ', '-');
}
