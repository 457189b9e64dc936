using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradScope.Diagnostics;

/// <summary>
/// Everything <see cref="DiagnosticsRunner"/> measures on one batch: the one diagnostics result type from measurement
/// to report. <c>analyze --json</c>, the <c>diagnostics</c> field of <c>metrics.jsonl</c> and the reproduce cell
/// results all serialise it unchanged with <see cref="JsonDefaults"/>; the schema is <c>docs/diagnostics-schema.md</c>
/// (version <see cref="CurrentSchemaVersion"/>). Optional sections are omitted from the JSON when not computed.
/// </summary>
public sealed record DiagnosticsReport
{
    /// <summary>2: GSC profile as one list of points (version 1 had parallel value and standard-error lists).</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Architecture { get; init; }
    public required string Description { get; init; }
    public int Depth { get; init; }
    public int Width { get; init; }
    public int Blocks { get; init; }
    public int BatchSize { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Seed { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Epoch { get; init; }
    public bool CouplesExamples { get; init; }
    /// <summary>Mean loss of the analysed batch (batch statistics).</summary>
    public double Loss { get; init; }
    public required GscSection Gsc { get; init; }
    /// <summary>One record per nonlinearity; <see cref="CollapseByPosition"/> averages a residual unit's records.</summary>
    public IReadOnlyList<CollapseRecord> Collapse { get; init; } = [];
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DilutionEntry>? Dilution { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? EffectiveDepth { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Tau { get; init; }
    /// <summary>C_λ at the network input, λ = 0 … L, normalised to sum 1.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? LambdaProfile { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LambdaProfile>? LambdaProfilePerBlock { get; init; }
    /// <summary>Taylor experiment, attached by callers that run it (reproduce attaches it to a trained cell's final report).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TaylorResult? Taylor { get; init; }
    /// <summary>Wall-clock milliseconds per part; null where files must not depend on timing (reproduce cells).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? TimingsMs { get; init; }

    /// <summary>The fitted GSC rate r per linear layer, or null when the fit is undefined (fewer than two positions).</summary>
    [JsonIgnore]
    public double? GscRate => double.IsNaN(Gsc.Rate) ? null : Gsc.Rate;

    /// <summary>r^<paramref name="linearLayers"/>: the fitted growth over that many linear layers (null: fit undefined).</summary>
    public double? Growth(int linearLayers) => GscRate is double r ? Math.Pow(r, linearLayers) : null;

    /// <summary>
    /// The collapse statistics per block position, nearest the output first. A residual unit holds m nonlinearities at
    /// one position; they are averaged here, once, for every reader (text rendering, studies).
    /// </summary>
    public IReadOnlyList<PositionCollapse> CollapseByPosition() =>
        [.. Collapse.GroupBy(c => c.Position).OrderBy(g => g.Key).Select(g => new PositionCollapse(
            g.Key, g.Average(c => c.PreActivationStdMean), g.Min(c => c.PreActivationStdMin),
            g.Average(c => c.SignDiversityMean), g.Average(c => c.PseudoLinearityMean)))];

    public string ToJson(bool indented = true) => JsonSerializer.Serialize(this, indented ? JsonDefaults.Options : JsonDefaults.Compact);

    public static DiagnosticsReport FromJson(string json) =>
        JsonSerializer.Deserialize<DiagnosticsReport>(json, JsonDefaults.Options) ?? throw new JsonException("Empty diagnostics report.");

    /// <summary>A compact table per position and the verdict lines.</summary>
    public string ToText() => DiagnosticsText.Render(this);
}
