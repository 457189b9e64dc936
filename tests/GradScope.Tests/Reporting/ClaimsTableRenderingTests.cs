using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed class ClaimsTableRenderingTests
{
    private static ReportDocument Doc(int evidenceItems)
    {
        var doc = new ReportDocument("T");
        var claim = new Claim("ResNets have lower GSC.", "rate not lower: resnet-relu", ClaimVerdict.DoesNotHold)
        {
            Id = "resnets-lower-gsc",
            Criterion = "Holds when every judged ResNet is lower.",
            Evidence = [.. Enumerable.Range(1, evidenceItems).Select(i => $"pair {i}: r = 1.0{i}")],
            Sources = "init.csv: architecture, gsc_rate_noise",
        };
        doc.AddSection("claims", "Claims").AddClaims().Add(claim);
        return doc;
    }

    [Fact]
    public void Html_shows_every_evidence_item_in_a_details_element()
    {
        string html = HtmlReportWriter.Render(Doc(12));
        Assert.Contains("<details class=\"evidence\"><summary>Evidence (12 measurements)</summary>", html);
        for (int i = 1; i <= 12; i++) Assert.Contains($"<li>pair {i}: r = 1.0{i}</li>", html);
        Assert.DoesNotContain("more)", html);
        Assert.Contains("id=\"claim-resnets-lower-gsc\"", html);
        Assert.Contains("Criterion.", html);
        Assert.Contains("Recompute from init.csv: architecture, gsc_rate_noise", html);
        Assert.Contains("badge-does-not-hold", html);
    }

    [Fact]
    public void Markdown_lists_criterion_and_every_evidence_item_below_the_table()
    {
        string md = MarkdownReportWriter.Render(Doc(12));
        Assert.Contains("| `resnets-lower-gsc` ResNets have lower GSC. | ❌ **does not hold** | rate not lower: resnet-relu |", md);
        Assert.Contains("**`resnets-lower-gsc`** — criterion: Holds when every judged ResNet is lower.", md);
        for (int i = 1; i <= 12; i++) Assert.Contains($"- pair {i}: r = 1.0{i}\n", md);
    }
}
