using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class GradientScaleTests
{
    [Fact]
    public void Orthogonal_linear_stack_has_unit_gsc_between_all_block_positions_and_a_flat_profile()
    {
        var spec = Small("linear-orth", depth: 8, width: 10, input: 10, classes: 4);
        var p = Make(spec, batch: 7, edit: t => ZeroBiases(null!, t));
        var matrix = GradientScale.Matrix(p.Tools);
        for (int k = 2; k <= 8; k++)
            for (int l = 1; l < k; l++)
                Near(1.0, matrix[k][l].Value, 1e-9, $"GSC({k},{l})");
        var profile = GradientScale.Profile(p.Tools);
        foreach (var v in profile.Values) Near(profile.Values[0].Value, v.Value, 1e-9, "flat profile");
        Near(1.0, profile.Fit.Rate, 1e-9, "rate");
        Assert.Equal("stable", profile.Fit.Verdict);
        // The profile is row l = 0 of the matrix.
        for (int k = 1; k <= 8; k++) Near(profile.Values[k - 1].Value, matrix[k][0].Value, 1e-12, $"matrix[{k}][0]");
    }

    [Fact]
    public void Looks_linear_relu_at_initialisation_has_unit_gsc_between_blocks_and_rate_one()
    {
        var spec = Small("relu-ll", depth: 10, width: 12, input: 9, classes: 4);
        var p = Make(spec, batch: 9);
        var matrix = GradientScale.Matrix(p.Tools);
        for (int k = 2; k <= 10; k++)
            for (int l = 1; l < k; l++)
                Near(1.0, matrix[k][l].Value, 1e-9, $"GSC({k},{l})");
        var profile = GradientScale.Profile(p.Tools);
        Assert.InRange(profile.Fit.Rate, 1 - 1e-6, 1 + 1e-6);
        foreach (var v in profile.Values) Near(profile.Values[0].Value, v.Value, 1e-9, "flat profile");
    }

    [Fact]
    public void Single_linear_layer_matches_the_closed_form()
    {
        var spec = Small("linear", depth: 1, width: 4, input: 6, classes: 3);
        var p = Make(spec, batch: 5, edit: t => ZeroBiases(null!, t));
        var w = p.Theta["blocks.0.linear.weight"];
        var y = new Matrix<double>(5, 4);
        GemmReference.Multiply(Op.None, Op.Transpose, 5, 4, 6, 1.0, p.Input.Span, 6, w.Span, 6, 0.0, y.Span, 4);
        double wQm = Math.Sqrt(GradientCheck.Dot(w, w) / 6);
        double expected = wQm * Math.Sqrt(GradientCheck.Dot(p.Input, p.Input)) / Math.Sqrt(GradientCheck.Dot(y, y));
        var gsc = GradientScale.Pair(p.Tools, k: 2, l: 1);
        Near(expected, gsc.Value, 1e-12, "GSC(input, output of the layer)");
        Assert.True(gsc.Exact);
    }

    [Fact]
    public void Rescaling_a_layer_of_a_bias_free_relu_net_leaves_the_gsc_unchanged()
    {
        var spec = Small("relu", depth: 6, width: 8, input: 5, classes: 3);
        var network = Network<double>.Build(spec);
        var theta = Initializer.Initialize(network, 3);
        ZeroBiases(network, theta);
        var before = GradientScale.Matrix(Make(spec, 6, theta: theta.Clone()).Tools, kMax: 7);
        foreach (ref var v in theta["blocks.2.linear.weight"].Span) v *= 3;
        var after = GradientScale.Matrix(Make(spec, 6, theta: theta).Tools, kMax: 7);
        // Position 7 is the input; position 0 (the loss) is not positively homogeneous, so it is excluded.
        for (int k = 2; k <= 7; k++)
            for (int l = 1; l < k; l++)
                Near(before[k][l].Value, after[k][l].Value, 1e-10, $"GSC({k},{l})");
    }

    [Theory]
    [InlineData("relu", 4, 1)]
    [InlineData("batch-relu", 4, 0)]
    [InlineData("layer-tanh", 5, 2)]
    public void Quadratic_mean_norm_equals_its_monte_carlo_definition(string name, int k, int l)
    {
        // ‖J‖_qm² = E‖J u‖² for u uniform on the unit sphere of the (B·d_k)-dimensional input; J u by forward mode.
        var spec = Small(name, depth: 5, width: 6, input: 5, classes: 3);
        var p = Make(spec, batch: 4, seed: 5, edit: t => Perturb(t, 0.1, new Rng(9)));
        var exact = p.Tools.Exact(l, k, perExample: true)[k];
        double qm2 = exact.Squared / (4.0 * p.Network.PositionWidth(k));
        Near(Math.Sqrt(qm2), p.Tools.QuadraticMeanNorm(k, l).Value, 1e-12, "QuadraticMeanNorm");
        var rng = new Rng(123);
        int samples = 4000, dim = p.Network.PositionWidth(k);
        var u = new Matrix<double>(4 * samples, dim);
        DiagMath.FillGaussian(u.Span, rng);
        for (int s = 0; s < samples; s++)
        {
            var seg = u.Span.Slice(s * 4 * dim, 4 * dim);
            double n = Math.Sqrt(DiagMath.SumSquares<double>(seg));
            foreach (ref var v in seg) v /= n;
        }
        var ju = p.Tools.Jvp(k, l, u);
        int seg2 = ju.Rows / samples * ju.Cols;
        var values = Enumerable.Range(0, samples).Select(s => DiagMath.SumSquares<double>(ju.Span.Slice(s * seg2, seg2))).ToArray();
        double mean = values.Average();
        double se = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (samples - 1) / samples);
        Assert.True(Math.Abs(mean - qm2) <= 4 * se, $"Monte Carlo {mean:G6} ± {se:G3}, exact {qm2:G6}");
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    public void Gsc_is_approximately_multiplicative_on_random_deep_nets(string name)
    {
        var spec = Small(name, depth: 8, width: 64, input: 20, classes: 5);
        var p = Make(spec, batch: 12, seed: 2);
        var m = GradientScale.Matrix(p.Tools);
        double worst = 0;
        for (int k = 3; k <= 8; k++)
            for (int mid = 2; mid < k; mid++)
                for (int l = 1; l < mid; l++)
                {
                    double ratio = m[k][mid].Value * m[mid][l].Value / m[k][l].Value;
                    worst = Math.Max(worst, Math.Abs(Math.Log(ratio)));
                }
        Assert.True(worst < Math.Log(1.2), $"worst |log(GSC(k,m)·GSC(m,l)/GSC(k,l))| = {worst:G3}");
    }

    [Theory]
    [InlineData("batch-relu")]
    [InlineData("batch-tanh")]
    [InlineData("resnet-batch-relu")]
    public void Exact_and_hutchinson_agree_within_three_standard_errors_on_batch_norm_nets(string name)
    {
        var spec = Small(name, depth: 5, width: 5, input: 4, classes: 3);
        var options = new JacobianOptions { Probes = 400 };
        var p = Make(spec, batch: 6, seed: 4, options: options, edit: t => Perturb(t, 0.2, new Rng(3)));
        int top = p.Network.BlockCount;
        for (int l = 0; l < top; l++)
        {
            var exact = p.Tools.SquaredFrobenius(l, top, JacobianMode.Exact);
            var hutch = p.Tools.SquaredFrobenius(l, top, JacobianMode.Hutchinson, new Rng(100 + (ulong)l));
            for (int k = l + 1; k <= top; k++)
            {
                Assert.True(exact[k].Exact);
                Assert.False(hutch[k].Exact);
                double diff = Math.Abs(hutch[k].Squared - exact[k].Squared);
                Assert.True(diff <= 3 * hutch[k].StandardError,
                    $"‖J({k},{l})‖²: exact {exact[k].Squared:G6}, Hutchinson {hutch[k].Squared:G6} ± {hutch[k].StandardError:G3}");
            }
        }
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("layer-tanh")]
    [InlineData("resnet-selu")]
    public void Block_diagonal_shortcut_equals_exact_coupled_mode_on_uncoupled_nets(string name)
    {
        var spec = Small(name, depth: 5, width: 6, input: 5, classes: 3);
        var p = Make(spec, batch: 5, seed: 8, edit: t => Perturb(t, 0.1, new Rng(4)));
        int top = p.Network.BlockCount + 1;
        for (int l = 0; l < top; l++)
        {
            var shortcut = p.Tools.SquaredFrobenius(l, top, JacobianMode.Exact);
            var full = p.Tools.SquaredFrobenius(l, top, JacobianMode.ExactPerExample);
            for (int k = l + 1; k <= top; k++) Near(full[k].Squared, shortcut[k].Squared, 1e-11, $"‖J({k},{l})‖²");
        }
    }

    [Fact]
    public void Linear_layers_from_output_count_residual_units_by_their_linear_layers()
    {
        var plain = Network<double>.Build(Small("relu", depth: 5));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], Enumerable.Range(0, 7).Select(k => GradientScale.LinearLayersFromOutput(plain, k)));
        var res = Network<double>.Build(Small("resnet-relu", depth: 6) with { UnitSize = 2 }); // input map + units of 2, 2, 1
        Assert.Equal(4, res.BlockCount);
        Assert.Equal([0, 1, 2, 4, 6, 7], Enumerable.Range(0, 6).Select(k => GradientScale.LinearLayersFromOutput(res, k)));
    }

    [Fact]
    public void Fit_recovers_a_known_rate_and_gives_the_verdict()
    {
        var n = Enumerable.Range(1, 20).Select(i => (double)i).ToList();
        var fit = GradientScale.Fit(n, n.Select(x => Math.Log(0.5) + x * Math.Log(1.3)).ToList(), 20, new VerdictOptions());
        Near(1.3, fit.Rate, 1e-12, "rate");
        Near(0.5, fit.Intercept, 1e-12, "intercept");
        Near(1.0, fit.R2, 1e-12, "R²");
        Assert.Equal("exploding", fit.Verdict);
        var vanishing = GradientScale.Fit(n, n.Select(x => x * Math.Log(0.8)).ToList(), 20, new VerdictOptions());
        Assert.Equal("vanishing", vanishing.Verdict);
        var strict = new VerdictOptions { ExplodingThreshold = 1e3, ExplodingRate = 1.5 };
        var custom = GradientScale.Fit(n, n.Select(x => x * Math.Log(1.3)).ToList(), 20, strict);
        Assert.Equal("stable", custom.Verdict);
    }
}
