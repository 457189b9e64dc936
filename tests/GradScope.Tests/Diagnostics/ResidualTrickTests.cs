using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class ResidualTrickTests
{
    [Theory]
    [InlineData("relu")]
    [InlineData("batch-relu")]
    [InlineData("resnet-layer-tanh")]
    public void Effective_depth_is_zero_at_initialisation(string name)
    {
        var p = Make(Small(name), batch: 6);
        var result = ResidualTrick.Compute(p.Network, p.Theta, p.Theta.Clone(), p.Tape, new ResidualTrickOptions { PerBlock = true });
        Assert.Equal(0, result.EffectiveDepth);
        Assert.Equal(1.0, result.Profile.Weights[0]);
        Assert.All(result.Profile.Weights.Skip(1), w => Assert.Equal(0.0, w));
        Assert.Equal(p.Network.BlockCount, result.PerBlock.Count);
    }

    /// <summary>θ = θ⁰ + σ·N(0, 1) (as after training) and the batch analysed with θ; θ⁰ returned beside.</summary>
    internal static (Probe Probe, ParameterSet<double> Theta0) Trained(ArchitectureSpec spec, int batch, ulong initSeed, double sigma,
        ulong noiseSeed)
    {
        var theta0 = Initializer.Initialize(Network<double>.Build(spec), initSeed);
        var theta = theta0.Clone();
        Perturb(theta, sigma, new Rng(noiseSeed));
        return (Make(spec, batch: batch, theta: theta), theta0);
    }

    /// <summary>e_λ(ε): elementary symmetric polynomials.</summary>
    private static double[] ElementarySymmetric(double[] eps)
    {
        var e = new double[eps.Length + 1];
        e[0] = 1;
        foreach (var x in eps)
            for (int l = eps.Length; l >= 1; l--) e[l] += x * e[l - 1];
        return e;
    }

    [Fact]
    public void Scaled_identity_blocks_give_the_elementary_symmetric_closed_form()
    {
        // Linear blocks with W⁰_b = I and W_b = (1 + ε_b)·I: J_i = I, J_r = ε_b I, so g_λ = e_λ(ε)·g and C_λ ∝ e_λ(ε).
        // ε_b = 0 for two blocks exercises the shortcut for unchanged blocks.
        double[] eps = [0.5, 0.0, 1.5, 0.25, 0.0, 2.0];
        var spec = Small("linear", depth: eps.Length, width: 4, input: 4, classes: 3);
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 2);
        for (int b = 0; b < eps.Length; b++)
        {
            var w = theta0[$"blocks.{b}.linear.weight"];
            w.Clear();
            for (int i = 0; i < 4; i++) w[i, i] = 1;
        }
        var theta = theta0.Clone();
        for (int b = 0; b < eps.Length; b++)
            foreach (ref var v in theta[$"blocks.{b}.linear.weight"].Span) v *= 1 + eps[b];
        var p = Make(spec, batch: 5, theta: theta);
        var result = ResidualTrick.Compute(p.Network, theta, theta0, p.Tape);
        var e = ElementarySymmetric(eps);
        double sum = e.Sum();
        for (int l = 0; l <= eps.Length; l++) Near(e[l] / sum, result.Profile.Weights[l], 1e-12, $"C_{l}");
        // Only four blocks changed: e_5 = e_6 = 0, so the profile ends at λ = 4.
        Assert.Equal(0, result.Profile.Weights[5]);
        Assert.Equal(ResidualTrickResult.EffectiveDepthOf(e.Select(x => x / sum).ToList(), 0.01), result.EffectiveDepth);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("batch-tanh")]
    [InlineData("resnet-layer-relu")]
    [InlineData("resnet-batch-selu")]
    public void Dynamic_program_equals_explicit_path_enumeration(string name)
    {
        var (p, theta0) = Trained(Small(name, depth: 5, width: 5, input: 4, classes: 3), batch: 4, initSeed: 5, sigma: 0.3, noiseSeed: 6);
        var network = p.Network;
        var theta = p.Theta;
        var result = ResidualTrick.Compute(network, theta, theta0, p.Tape, new ResidualTrickOptions { PerBlock = true });

        int blocks = network.BlockCount, batch = 4;
        var ones = new Matrix<double>(batch, 1);
        ones.Span.Fill(1);
        var start = new Matrix<double>(0, 0);
        network.BackwardStep(theta, p.Tape, 0, ones, start, null);
        var sums = new Matrix<double>[blocks + 1];
        for (int subset = 0; subset < 1 << blocks; subset++)
        {
            var g = start.Clone();
            for (int position = 1; position <= blocks; position++)
            {
                int b = network.BlockIndexOfPosition(position);
                var block = network.Blocks[b];
                var x = p.Tape.Activations[b];
                var withTheta = new Matrix<double>(0, 0);
                block.Backward(theta, x, p.Tape.Activations[b + 1], p.Tape.BlockCaches[b], g, withTheta, null);
                var initCache = block.CreateCache();
                var initOut = new Matrix<double>(0, 0);
                block.Forward(theta0, x, initOut, initCache, ForwardMode.Analyze);
                var withInit = new Matrix<double>(0, 0);
                block.Backward(theta0, x, initOut, initCache, g, withInit, null);
                bool residual = (subset >> (position - 1) & 1) == 1;
                if (residual) for (int i = 0; i < withTheta.Span.Length; i++) withTheta.Span[i] -= withInit.Span[i];
                g = residual ? withTheta : withInit;
            }
            int lambda = System.Numerics.BitOperations.PopCount((uint)subset);
            if (sums[lambda] is null) sums[lambda] = g;
            else for (int i = 0; i < g.Span.Length; i++) sums[lambda].Span[i] += g.Span[i];
        }
        var norms = sums.Select(s => Math.Sqrt(GradientCheck.Dot(s, s))).ToArray();
        double total = norms.Sum();
        // The truncation view: ‖Σ_{λ>d} g_λ‖ / ‖Σ_λ g_λ‖ from the enumerated groups.
        var whole = sums[0].Clone();
        foreach (var group in sums.Skip(1)) for (int i = 0; i < whole.Span.Length; i++) whole.Span[i] += group.Span[i];
        double wholeNorm = Math.Sqrt(GradientCheck.Dot(whole, whole));
        for (int d = 0; d <= blocks; d++)
        {
            var tail = new double[whole.Span.Length];
            for (int l = d + 1; l <= blocks; l++) for (int i = 0; i < tail.Length; i++) tail[i] += sums[l].Span[i];
            double expected = Math.Sqrt(tail.Sum(v => v * v)) / wholeNorm;
            double actual = result.Truncation.RelativeError[d];
            Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, expected), $"{name} truncation d = {d}: {expected} vs {actual}");
        }
        Near(total / wholeNorm, result.Truncation.Cancellation, 1e-9, $"{name} cancellation");
        for (int l = 0; l <= blocks; l++) Near(norms[l] / total, result.Profile.Weights[l], 1e-9, $"{name} C_{l}");
        Near(Math.Log(total), result.Profile.LogTotal, 1e-12, "log Σ C_λ");
        // Chunked λ batches (two cotangents per call) give the same profile.
        var chunked = ResidualTrick.Compute(network, theta, theta0, p.Tape, new ResidualTrickOptions { MaxRows = 2 * batch });
        for (int l = 0; l <= blocks; l++) Near(result.Profile.Weights[l], chunked.Profile.Weights[l], 1e-12, $"chunked C_{l}");
        // Σ_λ g_λ is the ordinary input gradient of the summed losses (t = 1 recovers Π J_b).
        var gradient = p.Tools.Vjp(0, blocks + 1, ones);
        var sumAll = sums.Aggregate((a,
            b) => { var c = a.Clone(); for (int i = 0; i < c.Span.Length; i++) c.Span[i] += b.Span[i]; return c; });
        GradientCheck.AssertClose(sumAll.Span, gradient.Span, 1e-10, "Σ_λ g_λ");
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("batch-relu")]
    [InlineData("resnet-batch-relu")]
    public void Chunk_size_does_not_change_a_bit(string name)
    {
        // The λ groups go through each block a chunk at a time (bounded buffers); every element is computed by the same
        // arithmetic whatever the chunk, so all chunk sizes — one group, a few, all at once — agree exactly.
        const int batch = 6;
        var (p, theta0) = Trained(Small(name, depth: 12, width: 7, input: 5, classes: 3), batch, initSeed: 3, sigma: 0.2, noiseSeed: 4);
        var network = p.Network;
        var theta = p.Theta;
        var whole = ResidualTrick.Compute(network, theta, theta0, p.Tape, new ResidualTrickOptions { MaxRows = 1 << 20 });
        Assert.True(whole.Profile.Weights[^1] > 0, "every λ is carried");
        foreach (int groups in new[] { 1, 2, 5 })
        {
            var chunked = ResidualTrick.Compute(network, theta, theta0, p.Tape, new ResidualTrickOptions { MaxRows = groups * batch });
            Assert.Equal(whole.Profile.Weights, chunked.Profile.Weights);
            Assert.Equal(whole.Truncation.RelativeError, chunked.Truncation.RelativeError);
            Assert.Equal(whole.Truncation.Cancellation, chunked.Truncation.Cancellation);
        }
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("batch-relu")]
    [InlineData("resnet-batch-relu")]
    public void Parallel_chunks_give_the_serial_bits(string name)
    {
        // The chunks of one block run on the worker pool; a one-thread pool runs them in order on the caller. Any pool, and
        // any chunk size on it, gives the same bits.
        const int batch = 6;
        var (p, theta0) = Trained(Small(name, depth: 12, width: 7, input: 5, classes: 3), batch, initSeed: 5, sigma: 0.2, noiseSeed: 6);
        var serial = ResidualTrick.Compute(p.Network, p.Theta, theta0, p.Tape,
            new ResidualTrickOptions { Pool = new WorkerPool(0), PerBlock = true });
        Assert.True(serial.Profile.Weights[^1] > 0, "every λ is carried");
        foreach (int groups in new[] { 1, 3, 1 << 10 })
        {
            var parallel = ResidualTrick.Compute(p.Network, p.Theta, theta0, p.Tape,
                new ResidualTrickOptions { Pool = Threads, MaxRows = groups * batch, PerBlock = true });
            Assert.Equal(serial.PerBlock.Count, parallel.PerBlock.Count);
            for (int i = 0; i < serial.PerBlock.Count; i++)
            {
                Assert.Equal(serial.PerBlock[i].Weights, parallel.PerBlock[i].Weights);
                Assert.Equal(serial.PerBlock[i].LogTotal, parallel.PerBlock[i].LogTotal);
            }
            Assert.Equal(serial.Truncation.RelativeError, parallel.Truncation.RelativeError);
            Assert.Equal(serial.Truncation.Cancellation, parallel.Truncation.Cancellation);
        }
    }

    /// <summary>A pool of four threads (workers + caller), more than the chunks of the first blocks.</summary>
    private static readonly WorkerPool Threads = new(3);

    [Fact]
    public void Truncation_depth_sees_groups_that_cancel_where_the_norm_share_does_not()
    {
        // Linear blocks W⁰ = I, W = (1 + ε) I with ε = −0.9: each residual almost cancels its initial function, so
        // g_λ = e_λ(ε) g = C(L, λ)(−0.9)^λ g, binomial groups of alternating sign whose sum is only 0.1^L g:
        // Σ‖g_λ‖/‖Σ g_λ‖ = 1.9^L / 0.1^L.
        const int depth = 6;
        double[] eps = Enumerable.Repeat(-0.9, depth).ToArray();
        var spec = Small("linear", depth: depth, width: 4, input: 4, classes: 3);
        var network = Network<double>.Build(spec);
        var theta0 = Initializer.Initialize(network, 2);
        for (int b = 0; b < depth; b++)
        {
            var w = theta0[$"blocks.{b}.linear.weight"];
            w.Clear();
            for (int i = 0; i < 4; i++) w[i, i] = 1;
        }
        var theta = theta0.Clone();
        for (int b = 0; b < depth; b++) foreach (ref var v in theta[$"blocks.{b}.linear.weight"].Span) v *= 1 + eps[b];
        var p = Make(spec, batch: 5, theta: theta);
        var result = ResidualTrick.Compute(p.Network, theta, theta0, p.Tape);
        Near(Math.Pow(1.9 / 0.1, depth), result.Truncation.Cancellation, 1e-9, "cancellation");
        // The norm share follows the binomial C(6, λ)·0.9^λ (peak at λ = 3, tail beyond 5 still 1.1 %)…
        Assert.Equal(6, result.EffectiveDepth);
        // …and the truncated gradient needs every order too: the error of stopping at d is |Σ_{λ>d} e_λ| / |Π(1+ε)|.
        var e = ElementarySymmetric(eps);
        for (int d = 0; d <= depth; d++)
        {
            double expected = Math.Abs(e.Skip(d + 1).Sum()) / Math.Pow(0.1, depth);
            Near(expected + 1e-300, result.Truncation.RelativeError[d] + 1e-300, 1e-8, $"error at d = {d}");
        }
        // Small residuals (ε = 0.05) neither cancel nor need many orders.
        var small = theta0.Clone();
        for (int b = 0; b < depth; b++) foreach (ref var v in small[$"blocks.{b}.linear.weight"].Span) v *= 1.05;
        var q = Make(spec, batch: 5, theta: small);
        var mild = ResidualTrick.Compute(q.Network, small, theta0, q.Tape);
        Near(1.0, mild.Truncation.Cancellation, 1e-12, "no cancellation");
        // Σ_{λ>1} e_λ / Π(1 + ε) = 0.0299 > τ, Σ_{λ>2} e_λ / Π(1 + ε) = 0.0019 ≤ τ.
        Assert.Equal(2, mild.Truncation.EffectiveDepth);
        Near(0.02991998437238405, mild.Truncation.RelativeError[1], 1e-9, "error at d = 1");
    }

    [Fact]
    public void Effective_depth_follows_the_tail_threshold()
    {
        double[] w = [0.5, 0.3, 0.15, 0.04, 0.01];
        Assert.Equal(3, ResidualTrickResult.EffectiveDepthOf(w, 0.01));
        Assert.Equal(2, ResidualTrickResult.EffectiveDepthOf(w, 0.05));
        Assert.Equal(0, ResidualTrickResult.EffectiveDepthOf(w, 0.5));
        Assert.Equal(4, ResidualTrickResult.EffectiveDepthOf(w, 0.0));
    }
}
