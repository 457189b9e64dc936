using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradScope.Diagnostics;

/// <summary>
/// Everything <see cref="DiagnosticsRunner.Analyze{T}(Networks.ArchitectureSpec, Tensors.ParameterSet{T}, Tensors.ParameterSet{T}?, Tensors.Matrix{T}, ReadOnlySpan{int}, DiagnosticsOptions?)"/>
/// measures on one batch, as plain records. Serialised by <see cref="ToJson"/>; the schema is documented in
/// <c>docs/diagnostics-schema.md</c> (schema version <see cref="CurrentSchemaVersion"/>).
/// </summary>
public sealed record DiagnosticsReport
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Architecture { get; init; }
    public required string Description { get; init; }
    public int Depth { get; init; }
    public int Width { get; init; }
    public int Blocks { get; init; }
    public int BatchSize { get; init; }
    public ulong? Seed { get; init; }
    public int? Epoch { get; init; }
    public bool CouplesExamples { get; init; }
    /// <summary>Mean loss of the analysed batch (batch statistics).</summary>
    public double Loss { get; init; }
    public required GscSection Gsc { get; init; }
    public IReadOnlyList<CollapseRecord> Collapse { get; init; } = [];
    public IReadOnlyList<DilutionEntry>? Dilution { get; init; }
    public int? EffectiveDepth { get; init; }
    public double? Tau { get; init; }
    /// <summary>C_λ at the network input, λ = 0 … L, normalised to sum 1.</summary>
    public IReadOnlyList<double>? LambdaProfile { get; init; }
    public IReadOnlyList<LambdaProfile>? LambdaProfilePerBlock { get; init; }
    /// <summary>
    /// Smallest d with ‖Σ_{λ&gt;d} g_λ‖ ≤ τ‖Σ_λ g_λ‖ (<see cref="GradientTruncation"/>), beside SPEC's <see cref="EffectiveDepth"/>.
    /// </summary>
    public int? TruncationEffectiveDepth { get; init; }
    /// <summary>Σ_λ ‖g_λ‖ / ‖Σ_λ g_λ‖: how much the λ-groups cancel (1 when they do not).</summary>
    public double? LambdaCancellation { get; init; }
    /// <summary>Per block, input side first: drift, weight angle and ‖J_r‖/‖J_i‖ (<see cref="BlockChange"/>).</summary>
    public IReadOnlyList<BlockChangeEntry>? BlockChange { get; init; }
    public TaylorResult? Taylor { get; init; }
    /// <summary>Wall-clock milliseconds per part.</summary>
    public IReadOnlyDictionary<string, double> TimingsMs { get; init; } = new Dictionary<string, double>();

    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }

    public string ToJson(bool indented = true) =>
        JsonSerializer.Serialize(this, indented ? JsonOptions : CompactJsonOptions);

    private static JsonSerializerOptions CompactJsonOptions { get; } = new(JsonOptions) { WriteIndented = false };

    public static DiagnosticsReport FromJson(string json) =>
        JsonSerializer.Deserialize<DiagnosticsReport>(json, JsonOptions) ?? throw new JsonException("Empty diagnostics report.");

    /// <summary>A compact table per position and the verdict lines.</summary>
    public string ToText() => DiagnosticsText.Render(this);
}

/// <summary>The gradient-scale part of a report (SPEC §2.2).</summary>
public sealed record GscSection
{
    /// <summary>GSC(k, 0) for k = 1 … L: element i is position k = i + 1 (nearest the output first).</summary>
    public required IReadOnlyList<double> Profile { get; init; }
    /// <summary>Standard error of each profile entry (all 0 when exact).</summary>
    public required IReadOnlyList<double> ProfileStandardError { get; init; }
    /// <summary>Linear layers from the output of each profile position (the fit's abscissa).</summary>
    public required IReadOnlyList<int> LinearLayers { get; init; }
    /// <summary>Fitted per-linear-layer rate r.</summary>
    public double Rate { get; init; }
    /// <summary>Fitted intercept c.</summary>
    public double Intercept { get; init; }
    public double R2 { get; init; }
    /// <summary>r^depth.</summary>
    public double Growth { get; init; }
    public int LinearDepth { get; init; }
    public required string Verdict { get; init; }
    public double ExplodingThreshold { get; init; }
    public double VanishingThreshold { get; init; }
    /// <summary>"exact" or "hutchinson".</summary>
    public required string Method { get; init; }
    public int? Probes { get; init; }
    /// <summary>GSC(k, l) as matrix[k][l], 0 ≤ k, l ≤ L; 1 on the diagonal, null for l &gt; k.</summary>
    public double?[][]? Matrix { get; init; }
    public double?[][]? MatrixStandardError { get; init; }
    public string? MatrixMethod { get; init; }
    public string? MatrixPrecision { get; init; }
}

/// <summary>Collapsing-domain statistics of one nonlinearity (SPEC §2.3).</summary>
public sealed record CollapseRecord(
    int Position, string Block, string Layer, string Activation, int LinearLayersFromOutput, int Units,
    double PreActivationStdMean, double PreActivationStdMin, double SignDiversityMean, double PseudoLinearityMean);

/// <summary>The human-readable rendering (plain text; the CLI decides how to print it).</summary>
public static class DiagnosticsText
{
    private static string F(double v, string format = "0.000") =>
        double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf") :
        (Math.Abs(v) >= 1e5 || (Math.Abs(v) < 1e-3 && v != 0)) ? v.ToString("0.00e+0", CultureInfo.InvariantCulture) : v.ToString(format, CultureInfo.InvariantCulture);

    public static string Render(DiagnosticsReport report)
    {
        var sb = new StringBuilder();
        var g = report.Gsc;
        sb.AppendLine($"{report.Description}");
        sb.AppendLine($"batch {report.BatchSize}{(report.Seed is ulong s ? $", seed {s}" : "")}{(report.Epoch is int e ? $", epoch {e}" : "")}, loss {F(report.Loss, "0.0000")}, GSC {g.Method}{(g.Probes is int p ? $" ({p} probes)" : "")}");
        var byPosition = report.Collapse.GroupBy(c => c.Position).ToDictionary(x => x.Key, x => x.ToList());
        bool multi = byPosition.Values.Any(list => list.Count > 1);
        sb.AppendLine();
        sb.AppendLine("    k  lin  GSC(k,0)   pre-act std  sign div  pseudo-lin");
        for (int i = 0; i < g.Profile.Count; i++)
        {
            int k = i + 1;
            string gsc = F(g.Profile[i]);
            if (g.ProfileStandardError.Count > i && g.ProfileStandardError[i] > 0) gsc += "±" + F(g.ProfileStandardError[i], "0.00");
            string std = "", sign = "", pseudo = "";
            if (byPosition.TryGetValue(k, out var entries))
            {
                std = F(entries.Average(c => c.PreActivationStdMean));
                sign = F(entries.Average(c => c.SignDiversityMean));
                pseudo = F(entries.Average(c => c.PseudoLinearityMean));
            }
            sb.AppendLine($"  {k,3}  {g.LinearLayers[i],3}  {gsc,-10} {std,11}  {sign,8}  {pseudo,10}");
        }
        if (multi) sb.AppendLine("  (collapse columns: mean over the nonlinearities of the block)");
        sb.AppendLine();
        sb.AppendLine($"GSC fit: log GSC(k,0) = log c + n·log r over linear layers n: r = {F(g.Rate, "0.0000")}, c = {F(g.Intercept)}, R² = {F(g.R2)}");
        sb.AppendLine($"verdict: {g.Verdict} (r^{g.LinearDepth} = {F(g.Growth)}; exploding above {F(g.ExplodingThreshold, "0.##")}, vanishing below {F(g.VanishingThreshold, "0.##")})");
        if (report.Dilution is { Count: > 0 } dilution)
        {
            sb.AppendLine($"dilution: k mean {F(dilution.Average(d => d.Dilution))}, GSC branch mean {F(dilution.Average(d => d.GscBranch))}, GSC unit mean {F(dilution.Average(d => d.GscUnit))}, " +
                          $"growth reduction (G_b²−1)/(G_u²−1) mean {F(dilution.Average(d => d.GrowthReduction))} vs k²+1 mean {F(dilution.Average(d => d.PredictedReduction))}");
        }
        if (report.EffectiveDepth is int depth && report.LambdaProfile is { } lambda)
        {
            var top = lambda.Select((w, l) => (w, l)).Where(t => t.w >= 0.01).Select(t => $"λ={t.l}:{F(t.w)}");
            sb.AppendLine($"effective depth: {depth} (τ = {F(report.Tau ?? double.NaN, "0.###")}); λ-profile ≥ 1%: {string.Join(" ", top)}");
            if (report.TruncationEffectiveDepth is int truncated)
                sb.AppendLine($"effective depth by gradient truncation: {truncated}; " +
                              $"groups cancel by Σ‖g_λ‖/‖Σg_λ‖ = {F(report.LambdaCancellation ?? double.NaN)}");
        }
        if (report.BlockChange is { Count: > 0 } change)
        {
            sb.AppendLine("block change (input side first): drift ‖θ−θ⁰‖/‖θ⁰‖, weight angle°, ‖J_r‖/‖J_i‖");
            var cells = change.Select(c => $"{c.Block}:{F(c.Drift)}/{F(c.WeightAngleDegrees, "0.#")}/{F(c.ResidualJacobianRatio)}");
            sb.AppendLine("  " + string.Join(" ", cells));
        }
        if (report.Taylor is { } taylor)
        {
            sb.AppendLine($"Taylor ({taylor.Side}, {taylor.Examples} examples, baseline error {F(taylor.BaselineError)}): " +
                          string.Join(" ", taylor.Points.Select(pt => $"m={pt.Replaced}:{F(pt.Error)}")));
        }
        return sb.ToString();
    }
}
