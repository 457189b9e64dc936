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

    public ClaimsTableBlock Add(string statement, string reason, ClaimVerdict verdict) => Add(new Claim(statement, reason, verdict));

    public ClaimsTableBlock Add(Claim claim)
    {
        Claims.Add(claim);
        return this;
    }
}
