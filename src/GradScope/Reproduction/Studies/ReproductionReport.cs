using GradScope.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Paths of a written report.</summary>
public sealed record ReportPaths(string Html, string Markdown, string StudiesDirectory);

/// <summary>
/// Builds the reproduction report from whatever cells of a sweep directory are finished: one section per
/// study, missing cells marked, plus <c>studies/&lt;study&gt;.json</c> and CSV tables (docs/study-schemas.md).
/// Depends only on the directory's files, so <c>gradscope report DIR</c> can rebuild it at any time.
/// </summary>
public static class ReproductionReport
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "report.md";
    public const string StudiesDirectory = "studies";
    public const string StudyFormat = "gradscope-study/1";

    /// <summary>Builds the document and the per-study data of a sweep directory.</summary>
    public static (ReportDocument Document, IReadOnlyList<StudyOutput> Studies) Build(string root,
        IReadOnlyList<(string Label, string Value)>? metadata = null)
    {
        var plan = SweepRunner.ReadPlan(root);
        var results = new SweepResults(plan, new CellStore(root));
        var p = plan.Preset;
        var doc = new ReportDocument("The exploding gradient problem demystified — reproduction")
        {
            Subtitle = "Studies of Philipp, Song & Carbonell (arXiv 1712.05577) reproduced with GradScope: gradient scale " +
                "coefficients, collapsing domains, dilution and effective depth of deep MLPs and ResNets.",
        };
        doc.AddMetadata("Preset", $"`{p.Name}` — {p.Description}")
           .AddMetadata("Data", p.Data.Dataset + (p.TrainSubset is int n ? $", {n:N0}-example training subset" : ", full training set"))
           .AddMetadata("Networks", $"depth {p.Sizes.LinearLayers} linear layers, width {p.Sizes.Width}, {plan.Shape.Classes} classes")
           .AddMetadata("Cells", $"{results.FinishedCount} of {plan.Cells.Count} finished")
           .AddMetadata("Diagnostics", $"`{plan.Diagnostics}`");
        foreach (var (label, value) in metadata ?? []) doc.AddMetadata(label, value);

        var studies = new List<StudyOutput>
        {
            InitStudy.Build(results),
            TrainingStudy.Build(results),
            TaylorStudy.Build(results),
            DilutionStudy.Build(results),
            OrthogonalStudy.Build(results),
            WidthDepthStudy.Build(results),
            ClaimsStudy.Build(results),
        };
        if (results.FinishedCount < plan.Cells.Count)
            studies[0].Section.Blocks.Insert(0, new NoteBlock(NoteKind.Info,
                $"This report covers **{results.FinishedCount} of {plan.Cells.Count} cells**; missing entries are marked. It is " +
                "rebuilt from the finished cells by `gradscope report DIR`."));
        foreach (var s in studies) doc.Sections.Add(s.Section);
        SeriesColourMap.Apply(doc.Sections.SelectMany(s => s.Blocks).OfType<FigureBlock>().Select(f => f.Plot));
        return (doc, studies);
    }

    /// <summary>Writes report.html, report.md (+ figures/) and the studies' JSON and CSV into <paramref name="root"/>.</summary>
    public static ReportPaths Write(string root, IReadOnlyList<(string Label, string Value)>? metadata = null)
    {
        var (doc, studies) = Build(root, metadata);
        string studiesDir = Path.Combine(root, StudiesDirectory);
        Directory.CreateDirectory(studiesDir);
        var plan = SweepRunner.ReadPlan(root);
        foreach (var study in studies)
        {
            var json = new JsonObject
            {
                ["format"] = StudyFormat,
                ["study"] = study.Id,
                ["title"] = study.Section.Title,
                ["preset"] = plan.Preset.Name,
            };
            foreach (var (key, value) in study.Data) json[key] = value?.DeepClone();
            AtomicFile.WriteAllText(Path.Combine(studiesDir, study.Id + ".json"), json.ToJsonString(JsonDefaults.Options));
            foreach (var table in study.Tables)
                CsvWriter.Write(Path.Combine(studiesDir, table.Name + ".csv"), table.Header, table.Rows);
        }
        string html = Path.Combine(root, HtmlFile);
        HtmlReportWriter.Write(doc, html);
        string md = MarkdownReportWriter.Write(doc, root, MarkdownFile);
        return new ReportPaths(Path.GetFullPath(html), Path.GetFullPath(md), Path.GetFullPath(studiesDir));
    }
}
