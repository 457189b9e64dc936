using GradScope.Reporting;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// The plots of the analyze report, as <see cref="PlotSpec"/>s for the shared Reporting renderer. Every plot takes one or
/// two diagnosed networks (two when comparing) and overlays them; colours follow the network (palette slot 0 and 1).
/// </summary>
public static class DiagnosisPlots
{
    public static PlotSpec GscProfile(IReadOnlyList<DiagnosisResult> results)
    {
        var plot = new PlotSpec("gsc-profile", "Gradient scale coefficient GSC(k, 0)")
        {
            XLabel = "linear layers from the output",
            YLabel = "GSC(k, 0)",
            YScale = AxisScale.Log10,
        };
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var g = r.Report.Gsc;
            string prefix = results.Count > 1 ? r.Label + ": " : "";
            var layers = g.Profile.Select(p => p.LinearLayers).ToList();
            var points = g.Profile.Select(p => ((double)p.LinearLayers, p.Value)).ToList();
            plot.AddSeries(prefix + "measured", points, SeriesStyle.Markers, colorIndex: 2 * i);
            plot.AddSeries($"{prefix}fit r = {g.Rate:0.0000}",
                layers.Select(n => ((double)n, g.Intercept * Math.Pow(g.Rate, n))), SeriesStyle.Line, colorIndex: 2 * i);
            if (r.Theory is { } theory && g.Profile.Count > 0)
            {
                var p = theory.Prediction;
                double first = g.Profile[0].Value;
                var predicted = p.LogProfile is { } log && log.Count == g.Profile.Count
                    ? layers.Select((n, j) => ((double)n, first * Math.Exp(log[j])))
                    : layers.Select(n => ((double)n, first * Math.Pow(p.Rate, n - layers[0])));
                plot.AddSeries($"{prefix}mean-field theory r = {p.Rate:0.0000}", predicted, SeriesStyle.Dashed, colorIndex: 2 * i + 1);
            }
        }
        plot.AddReferenceLine(1, "GSC = 1");
        return plot;
    }

    public static PlotSpec PreActivationStd(IReadOnlyList<DiagnosisResult> results) =>
        PerPosition(results, "pre-activation-std", "Pre-activation standard deviation", "mean std over units", AxisScale.Log10,
            c => c.PreActivationStdMean);

    public static PlotSpec SignDiversity(IReadOnlyList<DiagnosisResult> results)
    {
        // No guide at the 0.02 threshold: a linear axis is fitted to the data only, so the guide would sit off-plot
        // (the caption states the threshold instead).
        return PerPosition(results, "sign-diversity", "Sign diversity", "mean min(P, N)/(P + N)", AxisScale.Linear,
            c => c.SignDiversityMean);
    }

    public static PlotSpec PseudoLinearity(IReadOnlyList<DiagnosisResult> results)
    {
        var plot = PerPosition(results, "pseudo-linearity", "Pseudo-linearity (1 − R² of an affine fit)", "mean over units",
            AxisScale.Log10,
            c => c.PseudoLinearityMean);
        plot.AddReferenceLine(DiagnosisThresholds.PseudoLinearity, "pseudo-linear below");
        return plot;
    }

    private static PlotSpec PerPosition(IReadOnlyList<DiagnosisResult> results, string id, string title, string yLabel, AxisScale scale,
        Func<CollapseRecord, double> metric)
    {
        var plot = new PlotSpec(id, title) { XLabel = "position k (1 = output side)", YLabel = yLabel, YScale = scale };
        for (int i = 0; i < results.Count; i++)
        {
            var points = results[i].Report.Collapse.GroupBy(c => c.Position).OrderBy(grp => grp.Key)
                .Select(grp => ((double)grp.Key, grp.Average(metric)));
            plot.AddSeries(results.Count > 1 ? results[i].Label : "measured", points, colorIndex: 2 * i);
        }
        return plot;
    }

    /// <summary>λ-profile; the effective depth is marked by a vertical segment (the renderer has horizontal guides only).</summary>
    public static PlotSpec? LambdaProfile(IReadOnlyList<DiagnosisResult> results)
    {
        if (!results.Any(r => r.Report.LambdaProfile is { Count: > 0 })) return null;
        var plot = new PlotSpec("lambda-profile", "λ-profile: gradient carried by paths through λ learned block changes")
        {
            XLabel = "λ (residual functions on the path)",
            YLabel = "C_λ (normalised)",
        };
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i].Report;
            if (r.LambdaProfile is not { Count: > 0 } lambda) continue;
            string prefix = results.Count > 1 ? results[i].Label + ": " : "";
            plot.AddSeries(prefix + "C_λ", lambda.Select((w, l) => ((double)l, w)), colorIndex: 2 * i);
            if (r.EffectiveDepth is int d)
                plot.AddSeries($"{prefix}effective depth {d}", [((double)d, 0.0), ((double)d, lambda.Max())], SeriesStyle.Dashed,
                    colorIndex: 2 * i + 1);
        }
        return plot;
    }

    public static PlotSpec? Dilution(IReadOnlyList<DiagnosisResult> results)
    {
        if (!results.Any(r => r.Report.Dilution is { Count: > 0 })) return null;
        var plot = new PlotSpec("dilution", "Dilution k per residual unit")
        {
            XLabel = "position k (1 = output side)",
            YLabel = "k = Q‖v‖ / Q‖ρ(v)‖",
            YScale = AxisScale.Log10,
        };
        for (int i = 0; i < results.Count; i++)
            if (results[i].Report.Dilution is { Count: > 0 } dilution)
                plot.AddSeries(results.Count > 1 ? results[i].Label : "k", dilution.Select(d => ((double)d.Position, d.Dilution)),
                    colorIndex: 2 * i);
        plot.AddReferenceLine(DiagnosisThresholds.WeakDilution, "weak below k = 1");
        return plot;
    }

    /// <summary>The GSC matrix as a heat map: source position l across, target position k up, colour log10 GSC(k, l).</summary>
    public static PlotSpec? GscMatrix(DiagnosisResult result)
    {
        if (result.Report.Gsc.Matrix is not { } matrix) return null;
        int n = matrix.Length;
        var values = new double[n, n];
        for (int l = 0; l < n; l++)
            for (int k = 0; k < n; k++)
                values[l, k] = l < matrix[k].Length && matrix[k][l] is double v ? v : double.NaN;
        return new PlotSpec("gsc-matrix", $"GSC(k, l) matrix ({result.Label})")
        {
            XLabel = "l (position nearer the output)",
            YLabel = "k (position nearer the input)",
            HeatMap = new HeatMapData(values, "log10 GSC(k, l)", LogColor: true),
        };
    }
}
