namespace GradScope.Reporting;

/// <summary>
/// The report's only stylesheet, inlined so the HTML file is self-contained (no fonts, CDNs or
/// scripts are fetched: reports must open offline and must not phone home).
/// </summary>
internal static class HtmlReportStyles
{
    public const string Css = """
        :root {
          --text: #1f2328; --muted: #59636e; --faint: #8c959f; --border: #d8dee4; --strong-border: #b6bfc8;
          --bg: #ffffff; --zebra: #f6f8fa; --code-bg: #eff2f5; --link: #0b62a3;
          --ok: #00785a; --ok-bg: #e3f4ee; --warn: #a86800; --warn-bg: #fff3d6; --bad: #c2410c; --bad-bg: #fde8df;
          --info: #0072b2; --info-bg: #eaf4fb;
        }
        * { box-sizing: border-box; }
        html { color-scheme: light; -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--bg); color: var(--text);
          font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
        }
        .page { max-width: 78rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
        a { color: var(--link); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code { font: 0.86em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
               background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; overflow-wrap: anywhere; }

        .report-header { margin-bottom: 2rem; padding-bottom: 1.5rem; border-bottom: 1px solid var(--border); }
        h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 0.4rem; letter-spacing: -0.015em; }
        .subtitle { color: var(--muted); font-size: 1.1rem; margin: 0 0 1.4rem; max-width: 52rem; }
        .meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.9rem 2rem; margin: 0; }
        .meta div { min-width: 0; }
        .meta dt { font-size: 0.72rem; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted); }
        .meta dd { margin: 0.1rem 0 0; overflow-wrap: anywhere; }
        .meta div:has(code) { grid-column: 1 / -1; } /* commands are long: give them a full row */

        .toc { border: 1px solid var(--border); border-radius: 8px; padding: 0.9rem 1.1rem; margin: 0 0 2rem; font-size: 0.92rem; }
        .toc-title { font-size: 0.72rem; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted);
                     margin: 0 0 0.4rem; }
        .toc ol { margin: 0; padding-left: 1.3rem; }
        .toc li { margin: 0.2rem 0; }
        .toc a { color: var(--text); }
        .toc a:hover { color: var(--link); }
        main { min-width: 0; max-width: 62rem; }
        main p, main .callout { max-width: 52rem; } /* prose keeps a readable measure; tables and figures use the column */
        @media (min-width: 1100px) {
          .layout { display: grid; grid-template-columns: 13.5rem minmax(0, 1fr); gap: 3.5rem; align-items: start; }
          .toc { position: sticky; top: 1.5rem; max-height: calc(100vh - 3rem); overflow-y: auto;
                 border: none; border-left: 2px solid var(--border); border-radius: 0; padding: 0.2rem 0 0.2rem 1rem; margin: 0; }
        }

        section { scroll-margin-top: 1rem; margin-bottom: 3rem; }
        h2 { font-size: 1.45rem; line-height: 1.3; margin: 0 0 0.9rem; padding-bottom: 0.35rem; border-bottom: 1px solid var(--border); }
        p { margin: 0 0 1rem; }

        figure { margin: 1.75rem 0 2.25rem; }
        figure.plot svg { display: block; width: 100%; height: auto; border: 1px solid var(--border); border-radius: 8px;
                          background: #fff; }
        figcaption { font-size: 0.9rem; color: var(--muted); text-align: left; }
        figcaption { margin-top: 0.6rem; }
        .label { font-weight: 600; color: var(--text); }
        .plot-note { display: block; margin-top: 0.25rem; font-size: 0.82rem; color: var(--warn); }

        .table-block { margin: 1.5rem 0 2.25rem; }
        .table-caption { font-size: 0.9rem; color: var(--muted); margin: 0 0 0.55rem; }
        /* Wide tables scroll inside their own framed box instead of pushing past the column. */
        .table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: 8px; }
        .table-wrap table tr:last-child td { border-bottom: none; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; line-height: 1.45; }
        th, td { padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
        thead th { border-bottom: 2px solid var(--strong-border); font-weight: 600; white-space: nowrap; }
        tbody tr:nth-child(even) { background: var(--zebra); }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.s-ok { background: var(--ok-bg); color: #005c45; }
        td.s-warn { background: var(--warn-bg); color: #7a4a00; }
        td.s-bad { background: var(--bad-bg); color: #8a2c00; font-weight: 600; }
        td.s-missing { color: var(--faint); font-style: italic; }
        table.claims td:last-child, table.claims th:last-child { width: 30%; }
        table.claims .claim-id { font-weight: 600; }
        table.claims .criterion, table.claims .reason { margin: 0.4rem 0 0; font-size: 0.85rem; color: var(--muted); }
        details.evidence { margin-top: 0.4rem; font-size: 0.85rem; }
        details.evidence summary { cursor: pointer; color: var(--link); }
        details.evidence ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
        details.evidence .sources { margin: 0.3rem 0 0; color: var(--muted); }

        .badge { display: inline-block; padding: 0.12em 0.65em; border-radius: 999px; font-size: 0.8rem; font-weight: 600;
                 line-height: 1.5; white-space: nowrap; color: #fff; }
        .badge-holds { background: var(--ok); }
        .badge-does-not-hold { background: var(--bad); }
        .badge-inconclusive { background: #6e7781; }

        .callout { margin: 1.5rem 0; padding: 0.8rem 1.1rem; border-left: 4px solid; border-radius: 0 8px 8px 0; }
        .callout p { margin: 0; }
        .callout-info { border-color: var(--info); background: var(--info-bg); }
        .callout-warning { border-color: #e69f00; background: var(--warn-bg); }
        .callout-title { display: block; font-weight: 600; margin-bottom: 0.15rem; }

        footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); color: var(--muted); font-size: 0.8rem; }

        @media print {
          body { font-size: 10.5pt; }
          .page { max-width: none; padding: 0; }
          .layout { display: block; }
          .toc { display: none; }
          a { color: inherit; }
          figure, .callout, tr { break-inside: avoid; }
          h2 { break-after: avoid; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;
}
