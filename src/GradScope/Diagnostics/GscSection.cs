using System.Text.Json.Serialization;

namespace GradScope.Diagnostics;

/// <summary>GSC(k, 0) at one block position k with its standard error (0 when exact).</summary>
/// <param name="Position">k, counted from the output side (1 = output of the last block).</param>
/// <param name="LinearLayers">Linear layers between position k and the loss, output layer included: the fit's abscissa.</param>
public sealed record GscProfilePoint(int Position, int LinearLayers, double Value, double StandardError);

/// <summary>The gradient-scale part of a <see cref="DiagnosticsReport"/> (SPEC §2.2).</summary>
public sealed record GscSection
{
    /// <summary>GSC(k, 0) for k = 1 … L, nearest the output first.</summary>
    public required IReadOnlyList<GscProfilePoint> Profile { get; init; }
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
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Probes { get; init; }
    /// <summary>GSC(k, l) as matrix[k][l], 0 ≤ k, l ≤ L; 1 on the diagonal, null for l &gt; k.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double?[][]? Matrix { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double?[][]? MatrixStandardError { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MatrixMethod { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MatrixPrecision { get; init; }
}
