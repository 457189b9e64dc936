using System.Text.Json;
using System.Text.Json.Nodes;
using GradScope.Diagnostics;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>A machine-readable table of a study, written as <c>studies/&lt;name&gt;.csv</c>.</summary>
public sealed record CsvTable(string Name, IReadOnlyList<string> Header, IReadOnlyList<object?[]> Rows);

/// <summary>One study's report section plus its JSON document and CSV tables (schemas in docs/study-schemas.md).</summary>
public sealed class StudyOutput(string id, ReportSection section)
{
    public string Id { get; } = id;
    public ReportSection Section { get; } = section;
    public JsonObject Data { get; } = new();
    public List<CsvTable> Tables { get; } = [];

    public void Set(string key, object? value) => Data[key] = JsonSerializer.SerializeToNode(value, JsonDefaults.Options);

    public void AddCsv(string name, IReadOnlyList<string> header, IEnumerable<object?[]> rows) =>
        Tables.Add(new CsvTable(name, header, [.. rows]));
}

/// <summary>Helpers shared by the study builders.</summary>
internal static class StudyText
{
    public const string MissingText = "missing";

    public static TableCell Num(double? value, int digits = 3, CellStatus status = CellStatus.None) =>
        value is double v && !double.IsNaN(v) ? TableCell.Number(v, digits, status) : TableCell.Missing(MissingText);

    public static TableCell Pct(double? fraction, CellStatus status = CellStatus.None) =>
        fraction is double v && !double.IsNaN(v) ? new TableCell(ReportNumber.Percent(v), status) : TableCell.Missing(MissingText);

    public static string F(double? value, int digits = 3) => ReportNumber.Format(value, digits);

    public static string P(double? fraction) => fraction is double v ? ReportNumber.Percent(v) : "—";

    /// <summary>Adds the "not finished" note to a section and records the missing cells in the study JSON.</summary>
    public static void NoteMissing(StudyOutput output, SweepResults results, string study)
    {
        var missing = results.MissingOf(study);
        output.Set("cells_planned", results.PlannedOf(study));
        output.Set("cells_missing", missing.Select(m => new { id = m.Id, state = m.State }).ToList());
        if (missing.Count == 0) return;
        int failed = missing.Count(m => m.State == "failed");
        int interrupted = missing.Count(m => m.State == "interrupted");
        string detail = string.Join(", ",
            new[] { failed > 0 ? $"{failed} failed" : null, interrupted > 0 ? $"{interrupted} interrupted" : null }.OfType<string>());
        output.Section.AddNote(NoteKind.Warning,
            $"**{missing.Count} of {results.PlannedOf(study)} cells** of this study are not finished" +
            $"{(detail.Length > 0 ? $" ({detail})" : "")}; their entries show as missing. Re-run the same `gradscope reproduce` " +
            "command to finish them, then `gradscope report DIR`.");
    }

    /// <summary>
    /// The growth r^L coloured by the per-layer verdict of <see cref="GrowthVerdict"/> (red exploding, amber vanishing), so the
    /// tables agree with the claims: SeLU's r = 1.039 at R² 0.99 is red although r^50 = 6.8.
    /// </summary>
    public static TableCell Growth(GradientFit? fit) => fit is null ? TableCell.Missing(MissingText)
        : TableCell.Number(fit.Growth, 3, fit.Exploding ? CellStatus.Bad : fit.Vanishing ? CellStatus.Warn : CellStatus.Ok);

    /// <summary>Collapse metrics of the block position nearest the output and nearest the input.</summary>
    public static (PositionCollapse? Output, PositionCollapse? Input) Ends(DiagnosticsReport? m)
    {
        if (m?.CollapseByPosition() is not { Count: > 0 } c) return (null, null);
        return (c[0], c[^1]);
    }
}
