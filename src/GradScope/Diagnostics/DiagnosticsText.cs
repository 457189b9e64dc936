using System.Globalization;
using System.Text;

namespace GradScope.Diagnostics;

/// <summary>The human-readable rendering of a <see cref="DiagnosticsReport"/> (plain text; the CLI decides how to print it).</summary>
public static class DiagnosticsText
{
    private static string F(double v, string format = "0.000") =>
        double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf") :
        (Math.Abs(v) >= 1e5 || (Math.Abs(v) < 1e-3 && v != 0))
            ? v.ToString("0.00e+0", CultureInfo.InvariantCulture) : v.ToString(format, CultureInfo.InvariantCulture);

    public static string Render(DiagnosticsReport report)
    {
        var sb = new StringBuilder();
        var g = report.Gsc;
        sb.AppendLine($"{report.Description}");
        string seed = report.Seed is ulong s ? $", seed {s}" : "", epoch = report.Epoch is int e ? $", epoch {e}" : "";
        sb.AppendLine($"batch {report.BatchSize}{seed}{epoch}, " +
                      $"loss {F(report.Loss, "0.0000")}, GSC {g.Method}{(g.Probes is int p ? $" ({p} probes)" : "")}");
        var byPosition = report.CollapseByPosition().ToDictionary(c => c.Position);
        bool multi = report.Collapse.GroupBy(c => c.Position).Any(group => group.Count() > 1);
        sb.AppendLine();
        sb.AppendLine("    k  lin  GSC(k,0)   pre-act std  sign div  pseudo-lin");
        foreach (var point in g.Profile)
        {
            string gsc = F(point.Value);
            if (point.StandardError > 0) gsc += "±" + F(point.StandardError, "0.00");
            string std = "", sign = "", pseudo = "";
            if (byPosition.TryGetValue(point.Position, out var c))
            {
                std = F(c.PreActivationStd);
                sign = F(c.SignDiversity);
                pseudo = F(c.PseudoLinearity);
            }
            sb.AppendLine($"  {point.Position,3}  {point.LinearLayers,3}  {gsc,-10} {std,11}  {sign,8}  {pseudo,10}");
        }
        if (multi) sb.AppendLine("  (collapse columns: mean over the nonlinearities of the block)");
        sb.AppendLine();
        sb.AppendLine("GSC fit: log GSC(k,0) = log c + n·log r over linear layers n: " +
                      $"r = {F(g.Rate, "0.0000")}, c = {F(g.Intercept)}, R² = {F(g.R2)}");
        sb.AppendLine($"verdict: {g.Verdict} (r^{g.LinearDepth} = {F(g.Growth)}; exploding above {F(g.ExplodingThreshold, "0.##")}, " +
                      $"vanishing below {F(g.VanishingThreshold, "0.##")})");
        if (report.Dilution is { Count: > 0 } dilution)
        {
            sb.AppendLine($"dilution: k mean {F(dilution.Average(d => d.Dilution))}, " +
                          $"GSC branch mean {F(dilution.Average(d => d.GscBranch))}, " +
                          $"GSC unit mean {F(dilution.Average(d => d.GscUnit))}, growth reduction (G_b²−1)/(G_u²−1) mean " +
                          $"{F(dilution.Average(d => d.GrowthReduction))} vs k²+1 mean {F(dilution.Average(d => d.PredictedReduction))}");
        }
        if (report.EffectiveDepth is int depth && report.LambdaProfile is { } lambda)
        {
            var top = lambda.Select((w, l) => (w, l)).Where(t => t.w >= 0.01).Select(t => $"λ={t.l}:{F(t.w)}");
            sb.AppendLine($"effective depth: {depth} (τ = {F(report.Tau ?? double.NaN, "0.###")}); " +
                          $"λ-profile ≥ 1%: {string.Join(" ", top)}");
        }
        if (report.Taylor is { } taylor)
        {
            sb.AppendLine($"Taylor ({taylor.Side}, {taylor.Examples} examples, baseline error {F(taylor.BaselineError)}): " +
                          string.Join(" ", taylor.Points.Select(pt => $"m={pt.Replaced}:{F(pt.Error)}")));
        }
        return sb.ToString();
    }
}
