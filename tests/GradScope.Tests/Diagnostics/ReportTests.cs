using System.Text.Json;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class ReportTests
{
    private static DiagnosticsReport Report(string name, bool matrix, bool trained = true,
        MatrixPrecision precision = MatrixPrecision.Double)
    {
        var spec = Small(name, depth: 5, width: 6, input: 5, classes: 3);
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 2);
        var theta = theta0.Clone();
        if (trained) Perturb(theta, 0.2, new Rng(3));
        var rng = new Rng(4);
        var x = GradientCheck.RandomMatrix(8, 5, rng);
        return DiagnosticsRunner.Analyze(spec, theta, theta0, x, RandomLabels(8, 3, rng),
            new DiagnosticsOptions { Matrix = matrix, MatrixPrecision = precision, Seed = 42, Epoch = 3 });
    }

    [Fact]
    public void Json_has_the_documented_top_level_fields()
    {
        var report = Report("resnet-batch-relu", matrix: true);
        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;
        Assert.Equal("resnet-batch-relu", root.GetProperty("architecture").GetString());
        Assert.Equal(8, root.GetProperty("batch_size").GetInt32());
        Assert.Equal(42UL, root.GetProperty("seed").GetUInt64());
        var gsc = root.GetProperty("gsc");
        Assert.Equal(3, gsc.GetProperty("profile").GetArrayLength()); // L = 3 blocks
        foreach (var key in new[] { "rate", "intercept", "r2" }) Assert.Equal(JsonValueKind.Number, gsc.GetProperty(key).ValueKind);
        Assert.Contains(gsc.GetProperty("verdict").GetString(), new[] { "exploding", "vanishing", "stable" });
        Assert.Equal("exact", gsc.GetProperty("method").GetString()); // batch 8 ≤ 16: exact coupled mode
        var m = gsc.GetProperty("matrix");
        Assert.Equal(4, m.GetArrayLength());
        Assert.Equal(1.0, m[2][2].GetDouble());
        Assert.Equal(JsonValueKind.Null, m[1][2].ValueKind);
        var point = gsc.GetProperty("profile")[1];
        Assert.Equal(2, point.GetProperty("position").GetInt32());
        Assert.Equal(point.GetProperty("value").GetDouble(), m[2][0].GetDouble(), 12);
        Assert.Equal(0.0, point.GetProperty("standard_error").GetDouble()); // exact
        Assert.Equal(4, root.GetProperty("collapse").GetArrayLength()); // pre-activation: the input map has no relu
        Assert.True(root.GetProperty("collapse")[0].TryGetProperty("pseudo_linearity_mean", out _));
        Assert.Equal(2, root.GetProperty("dilution").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("effective_depth").ValueKind);
        Assert.Equal(4, root.GetProperty("lambda_profile").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("truncation_effective_depth").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("lambda_cancellation").ValueKind);
        Assert.Equal(3, root.GetProperty("block_change").GetArrayLength());
        Assert.True(root.GetProperty("block_change")[0].TryGetProperty("residual_jacobian_ratio", out _));
        Assert.True(root.GetProperty("timings_ms").TryGetProperty("gsc_profile", out _));
        var back = DiagnosticsReport.FromJson(report.ToJson());
        Assert.Equal(report.Gsc.Profile, back.Gsc.Profile);
        Assert.Equal(report.EffectiveDepth, back.EffectiveDepth);
    }

    [Fact]
    public void Optional_sections_are_absent_when_not_computed_and_non_finite_numbers_survive()
    {
        var report = Report("relu", matrix: false, trained: false);
        Assert.Equal(0, report.EffectiveDepth);
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.False(doc.RootElement.GetProperty("gsc").TryGetProperty("matrix", out _));
        Assert.False(doc.RootElement.TryGetProperty("dilution", out _));
        var odd = report with { Gsc = report.Gsc with { Rate = double.NaN, Growth = double.PositiveInfinity } };
        var back = DiagnosticsReport.FromJson(odd.ToJson());
        Assert.True(double.IsNaN(back.Gsc.Rate));
        Assert.True(double.IsPositiveInfinity(back.Gsc.Growth));
        // The studies' accessors: an undefined fit is a missing rate, not a NaN that slips into averages.
        Assert.Null(odd.GscRate);
        Assert.Null(odd.Growth(5));
        Assert.Equal(report.Gsc.Rate, report.GscRate);
        Assert.Equal(Math.Pow(report.Gsc.Rate, 5), report.Growth(5));
    }

    [Fact]
    public void Float_matrix_agrees_with_double()
    {
        var d = Report("tanh", matrix: true);
        var f = Report("tanh", matrix: true, precision: MatrixPrecision.Float);
        Assert.Equal("float", f.Gsc.MatrixPrecision);
        for (int k = 1; k < d.Gsc.Matrix!.Length; k++)
            for (int l = 0; l < k; l++) Near(d.Gsc.Matrix[k][l]!.Value, f.Gsc.Matrix![k][l]!.Value, 1e-4, $"GSC({k},{l})");
    }

    [Fact]
    public void Text_rendering_has_a_row_per_position_and_the_verdict()
    {
        var text = Report("resnet-batch-relu", matrix: false).ToText();
        Assert.Contains("GSC(k,0)", text);
        Assert.Contains("verdict:", text);
        Assert.Contains("effective depth:", text);
        Assert.Contains("dilution:", text);
        var rows = text.Split('\n').Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\s+\d+\s+\d+\s")).ToList();
        Assert.Equal(3, rows.Count);
    }
}
