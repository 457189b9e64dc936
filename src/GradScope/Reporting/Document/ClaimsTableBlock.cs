namespace GradScope.Reporting;

/// <summary>
/// Claim / evidence / verdict table with verdicts rendered as coloured badges. It is a separate block
/// (not a plain table) so the verdict styling is consistent across every report.
/// </summary>
public sealed class ClaimsTableBlock : ReportBlock
{
    public List<Claim> Claims { get; } = [];

    /// <summary>Optional caption; supports the inline subset.</summary>
    public string? Caption { get; set; }

    public ClaimsTableBlock Add(string statement, string evidence, ClaimVerdict verdict)
    {
        Claims.Add(new Claim(statement, evidence, verdict));
        return this;
    }
}
