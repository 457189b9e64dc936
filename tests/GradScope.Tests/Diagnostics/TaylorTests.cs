using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class TaylorTests
{
    /// <summary>θ⁰, and θ = θ⁰ + perturbation (optionally only in the tensors <paramref name="which"/> selects), with
    /// "trained" running statistics in θ.</summary>
    private static (Network<double> Network, ParameterSet<double> Theta, ParameterSet<double> Theta0, Matrix<double> X)
        Setup(string name, Func<string, bool>? which = null, int depth = 5)
    {
        var spec = Small(name, depth: depth, width: 6, input: 5, classes: 3);
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 3);
        var theta = theta0.Clone();
        var rng = new Rng(4);
        Perturb(theta, 0.3, rng, which);
        foreach (var e in theta.Layout.Entries)
        {
            if (e.Name.EndsWith("running_var", StringComparison.Ordinal))
                foreach (ref var v in theta[e.Name].Span) v = 0.5 + rng.NextDouble();
            if (e.Name.EndsWith("running_mean", StringComparison.Ordinal))
                foreach (ref var v in theta[e.Name].Span) v = 0.3 * rng.NextGaussian();
        }
        return (network, theta, theta0, GradientCheck.RandomMatrix(7, 5, rng));
    }

    private static void AssertSame(Matrix<double> expected, Matrix<double> actual, double tol, string what) =>
        GradientCheck.AssertClose(actual.Span, expected.Span, tol, what);

    [Theory]
    [InlineData("relu", TaylorSide.NearestInput)]
    [InlineData("relu", TaylorSide.NearestOutput)]
    [InlineData("batch-relu", TaylorSide.NearestInput)]
    [InlineData("batch-tanh", TaylorSide.NearestOutput)]
    [InlineData("layer-selu", TaylorSide.NearestInput)]
    [InlineData("resnet-batch-relu", TaylorSide.NearestOutput)]
    [InlineData("resnet-layer-tanh", TaylorSide.NearestInput)]
    public void Replacing_one_block_changes_nothing(string name, TaylorSide side)
    {
        // One replaced block: value + tangent = i_b(v) + r_b(v) = block_b(θ, v) exactly.
        var (network, theta, theta0, x) = Setup(name);
        var logits = TaylorExperiment.Logits(network, theta, theta0, x, [0, 1], side);
        AssertSame(logits[0], logits[1], 1e-12, $"{name} m = 1");
        // Whereas replacing every block does change the output of a perturbed nonlinear network.
        var all = TaylorExperiment.Logits(network, theta, theta0, x, [network.BlockCount], side)[0];
        Assert.True(Enumerable.Range(0, all.Span.Length).Max(i => Math.Abs(all.Span[i] - logits[0].Span[i])) > 1e-6);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("batch-tanh")]
    [InlineData("resnet-layer-relu")]
    public void A_single_nonzero_residual_function_in_the_top_block_is_reproduced_for_every_m(string name)
    {
        // Only the block nearest the output differs from θ⁰. For every replaced set R it is either outside R
        // (all replaced blocks are exactly their initial functions) or the topmost block of R (its residual is not
        // propagated through any other replaced block), so the first-order expansion is exact.
        var probe = Network<double>.Build(Small(name));
        string top = probe.Blocks[^1].Name + ".";
        var (network, theta, theta0, x) = Setup(name, n => n.StartsWith(top, StringComparison.Ordinal));
        var counts = Enumerable.Range(0, network.BlockCount + 1).ToList();
        foreach (var side in new[] { TaylorSide.NearestInput, TaylorSide.NearestOutput })
        {
            var logits = TaylorExperiment.Logits(network, theta, theta0, x, counts, side);
            for (int m = 1; m < counts.Count; m++) AssertSame(logits[0], logits[m], 1e-12, $"{name} {side} m = {m}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void Linear_network_with_one_nonzero_residual_function_is_reproduced_for_every_m(int block)
    {
        // With affine blocks the linear propagation through the initial functions is exact wherever the residual sits.
        var (network, theta, theta0, x) = Setup("linear", n => n.StartsWith($"blocks.{block}.", StringComparison.Ordinal));
        var counts = Enumerable.Range(0, network.BlockCount + 1).ToList();
        foreach (var side in new[] { TaylorSide.NearestInput, TaylorSide.NearestOutput })
        {
            var logits = TaylorExperiment.Logits(network, theta, theta0, x, counts, side);
            for (int m = 1; m < counts.Count; m++) AssertSame(logits[0], logits[m], 1e-12, $"{side} m = {m}");
        }
    }

    [Theory]
    [InlineData(TaylorSide.NearestInput)]
    [InlineData(TaylorSide.NearestOutput)]
    public void Linear_blocks_give_the_closed_form_first_order_expansion(TaylorSide side)
    {
        // Affine blocks: block_b(θ⁰ + t(θ − θ⁰), ·) = i_b + t·r_b exactly, so the replaced section is S(t), a polynomial
        // in t, and the expansion is S(0) + S′(0). The network after R is affine, so the logits are L(0) + L′(0) where
        // L(t) are the logits with θ_t on the blocks of R; L′(0) by a central difference (error O(h²) of a polynomial).
        var (network, theta, theta0, x) = Setup("linear", depth: 6);
        int blocks = network.BlockCount;
        for (int m = 1; m <= blocks; m++)
        {
            var replaced = side == TaylorSide.NearestInput ? Enumerable.Range(0, m) : Enumerable.Range(blocks - m, m);
            var prefixes = replaced.Select(b => $"blocks.{b}.").ToList();
            Matrix<double> Logits(double t)
            {
                var th = theta.Clone();
                for (int i = 0; i < th.Count; i++)
                {
                    string n = th.Layout.Entries[i].Name;
                    if (!prefixes.Any(pf => n.StartsWith(pf, StringComparison.Ordinal))) continue;
                    for (int j = 0; j < th[i].Span.Length; j++)
                        th[i].Span[j] = theta0[i].Span[j] + t * (theta[i].Span[j] - theta0[i].Span[j]);
                }
                var tape = network.CreateTape();
                network.ForwardLogits(th, x, tape, ForwardMode.Eval);
                return tape.Logits.Clone();
            }
            const double h = 1e-4;
            var l0 = Logits(0); var lp = Logits(h); var lm = Logits(-h);
            var expected = l0.Clone();
            for (int i = 0; i < expected.Span.Length; i++) expected.Span[i] += (lp.Span[i] - lm.Span[i]) / (2 * h);
            var actual = TaylorExperiment.Logits(network, theta, theta0, x, [m], side)[0];
            AssertSame(expected, actual, 1e-7, $"{side} m = {m}");
        }
    }

    /// <summary>
    /// Brute force of the whole-network expansion: logits F(t) with each replaced block b swapped for the function
    /// i_b + t·r_b (i_b = block with θ⁰, r_b = block with θ minus i_b), the other blocks with θ, all in Eval mode.
    /// </summary>
    private static Matrix<double> ScaledResidualLogits(Network<double> network, ParameterSet<double> theta, ParameterSet<double> init,
        Matrix<double> x, int replaced, double t)
    {
        var h = x;
        for (int b = 0; b < network.BlockCount; b++)
        {
            var block = network.Blocks[b];
            var full = new Matrix<double>(0, 0);
            block.Forward(theta, h, full, block.CreateCache(), ForwardMode.Eval);
            if (b < replaced)
            {
                var initial = new Matrix<double>(0, 0);
                block.Forward(init, h, initial, block.CreateCache(), ForwardMode.Eval);
                for (int i = 0; i < full.Span.Length; i++) full.Span[i] = initial.Span[i] + t * (full.Span[i] - initial.Span[i]);
            }
            h = full;
        }
        var logits = new Matrix<double>(0, 0);
        network.Output.Forward(theta, h, logits, network.Output.CreateCache(), ForwardMode.Eval);
        return logits;
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("batch-tanh")]
    [InlineData("resnet-layer-tanh")]
    [InlineData("resnet-batch-selu")]
    public void Network_expansion_is_the_first_order_taylor_polynomial_of_the_logits_in_the_residual_functions(string name)
    {
        var (network, theta, theta0, x) = Setup(name);
        // The initial functions use θ's running statistics (the experiment's default).
        var init = theta0.Clone();
        for (int i = 0; i < init.Count; i++) if (!init.Layout.Entries[i].Trainable) theta[i].Span.CopyTo(init[i].Span);
        var counts = Enumerable.Range(0, network.BlockCount + 1).ToList();
        var logits = TaylorExperiment.Logits(network, theta, theta0, x, counts, TaylorSide.NearestInput,
            expansion: TaylorExpansion.Network);
        const double h = 1e-4;
        for (int m = 1; m <= network.BlockCount; m++)
        {
            var f0 = ScaledResidualLogits(network, theta, init, x, m, 0);
            var fp = ScaledResidualLogits(network, theta, init, x, m, h);
            var fm = ScaledResidualLogits(network, theta, init, x, m, -h);
            var expected = f0.Clone();
            for (int i = 0; i < expected.Span.Length; i++) expected.Span[i] += (fp.Span[i] - fm.Span[i]) / (2 * h);
            AssertSame(expected, logits[m], 1e-6, $"{name} m = {m}");
        }
        // m = 1 now differs from m = 0 (the rest of the network is linearised in the first block's residual) …
        Assert.True(Enumerable.Range(0, logits[0].Span.Length).Max(i => Math.Abs(logits[1].Span[i] - logits[0].Span[i])) > 1e-6);
        // … and m = L is the section expansion (only the linear output layer lies above).
        var section = TaylorExperiment.Logits(network, theta, theta0, x, [network.BlockCount], TaylorSide.NearestInput)[0];
        AssertSame(section, logits[^1], 1e-12, $"{name} m = L");
    }

    [Fact]
    public void Network_and_section_expansions_coincide_from_the_output_side()
    {
        var (network, theta, theta0, x) = Setup("batch-relu");
        var counts = Enumerable.Range(0, network.BlockCount + 1).ToList();
        var section = TaylorExperiment.Logits(network, theta, theta0, x, counts, TaylorSide.NearestOutput);
        var whole = TaylorExperiment.Logits(network, theta, theta0, x, counts, TaylorSide.NearestOutput,
            expansion: TaylorExpansion.Network);
        for (int m = 0; m < counts.Count; m++) AssertSame(section[m], whole[m], 1e-12, $"m = {m}");
    }

    [Fact]
    public void Run_reports_errors_for_every_m_and_the_baseline()
    {
        var (network, theta, theta0, x) = Setup("batch-relu");
        int[] labels = [0, 1, 2, 0, 1, 2, 0];
        var result = TaylorExperiment.Run(network, theta, theta0, x, labels, new TaylorOptions { BatchSize = 3 });
        Assert.Equal(network.BlockCount, result.Points.Count);
        Assert.Equal(7, result.Examples);
        Assert.Equal(result.BaselineError, result.Points[0].Error);
        Near(result.BaselineLoss, result.Points[0].Loss, 1e-12, "m = 1 loss");
        // Evaluation mode: the batch size does not matter.
        var whole = TaylorExperiment.Run(network, theta, theta0, x, labels, new TaylorOptions { BatchSize = 7 });
        for (int i = 0; i < whole.Points.Count; i++) Near(whole.Points[i].Loss, result.Points[i].Loss, 1e-12, $"m = {i + 1}");
        // At θ = θ⁰ nothing changes for any m.
        var init = TaylorExperiment.Run(network, theta0, theta0, x, labels);
        Assert.All(init.Points, pt => Near(init.BaselineLoss, pt.Loss, 1e-12, $"m = {pt.Replaced} at θ⁰"));
    }

    [Theory]
    [InlineData(TaylorSide.NearestInput)]
    [InlineData(TaylorSide.NearestOutput)]
    public void A_cancelled_token_stops_the_experiment_from_either_side(TaylorSide side)
    {
        var (network, theta, theta0, x) = Setup("resnet-batch-relu");
        int[] labels = [0, 1, 2, 0, 1, 2, 0];
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TaylorExperiment.Run(network, theta, theta0, x, labels,
            new TaylorOptions { Side = side, Cancellation = cancel.Token }));
        // The same call without the cancel runs to the end.
        Assert.Equal(network.BlockCount, TaylorExperiment.Run(network, theta, theta0, x, labels, new TaylorOptions { Side = side })
            .Points.Count);
    }
}
