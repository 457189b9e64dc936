using System.CommandLine;
using GradScope.Diagnostics.Diagnosis;
using GradScope.Reporting;
using GradScope.IO;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary>How <c>analyze</c> presents its diagnosis: the text on the console and the optional report files.</summary>
internal sealed class DiagnosisOutputOptions
{
    public Option<bool> Table { get; } = new("--table") { Description = "Also print the per-position table (GSC, pre-activation std, " +
        "sign diversity, pseudo-linearity)" };
    public Option<bool> WhatIf { get; } = new("--what-if") { Description = "Build the recommended alternatives at the same parameter " +
        "budget and measure them on the same batch" };
    public Option<string?> Html { get; } = new("--html") { Description = "Write a self-contained HTML report (diagnosis, " +
        "recommendations, plots)" };
    public Option<string?> Markdown { get; } = new("--md") { Description = "Write a Markdown report (figures as SVG files in figures/ " +
        "beside it)" };
    public Option<string?> DiagnosisJson { get; } = new("--diagnosis-json") { Description = "Write findings, recommendations, theory " +
        "and what-if as JSON" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Table, WhatIf, Html, Markdown, DiagnosisJson }) command.Options.Add(option);
    }

    public void Write(CliContext context, DiagnosisResult result, DiagnosisResult? second, ParseResult parse)
    {
        bool table = parse.GetValue(Table);
        string text = second is null ? DiagnosisText.Render(result, table) : ComparisonText.Render(result, second, table);
        context.Console.Profile.Out.Writer.WriteLine(text);
        var results = second is null ? new[] { result } : new[] { result, second };
        if (parse.GetValue(Html) is string html)
        {
            HtmlReportWriter.Write(DiagnosisDocument.Build(results), html);
            context.Console.MarkupLineInterpolated($"wrote [blue]{html}[/]");
        }
        if (parse.GetValue(Markdown) is string md)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(md))!;
            string written = MarkdownReportWriter.Write(DiagnosisDocument.Build(results), directory, Path.GetFileName(md));
            context.Console.MarkupLineInterpolated($"wrote [blue]{written}[/]");
        }
        if (parse.GetValue(DiagnosisJson) is string json)
        {
            string content = second is null ? result.ToJson() : "[" + result.ToJson() + ",\n" + second.ToJson() + "]";
            AtomicFile.WriteAllText(json, content);
            context.Console.MarkupLineInterpolated($"wrote [blue]{json}[/]");
        }
    }
}
