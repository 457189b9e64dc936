using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

/// <summary>
/// The GSC(k, 0) profile of batch-coupled networks is exact by default (issue 10 item 3): checked against a brute-force
/// Jacobian of the per-example-loss vector by finite differences of the forward pass, independent of every VJP.
/// </summary>
public class ExactProfileTests
{
    /// <summary>Per-example losses as a function of f_k, by re-running the forward pass from position k with batch statistics.</summary>
    private static double[] LossesFrom(Probe p, int k, Matrix<double> fk)
    {
        var net = p.Network;
        var tape = net.CreateTape();
        int first = k == net.BlockCount + 1 ? 0 : net.BlockIndexOfPosition(k) + 1;
        tape.Activations[first] = fk;
        for (int b = first; b < net.BlockCount; b++)
            net.Blocks[b].Forward(p.Theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], ForwardMode.Analyze);
        net.Output.Forward(p.Theta, tape.Activations[^1], tape.Logits, tape.OutputCache, ForwardMode.Analyze);
        net.Loss.Forward(tape.Logits, p.Labels, tape.Losses, tape.Probabilities);
        return tape.Losses.Span.ToArray();
    }

    /// <summary>‖∂f_0/∂f_k‖_F² by the five-point central stencil (error O(h⁴)) on every entry of f_k.</summary>
    private static double BruteForceSquaredFrobenius(Probe p, int k, double h = 2e-4)
    {
        var fk = p.Tape.Position(k).Clone();
        double total = 0;
        double[] Shifted(int i, double by)
        {
            var x = fk.Clone();
            x.Span[i] += by;
            return LossesFrom(p, k, x);
        }
        for (int i = 0; i < fk.Span.Length; i++)
        {
            var m2 = Shifted(i, -2 * h); var m1 = Shifted(i, -h); var p1 = Shifted(i, h); var p2 = Shifted(i, 2 * h);
            for (int b = 0; b < m1.Length; b++)
            {
                double d = (m2[b] - 8 * m1[b] + 8 * p1[b] - p2[b]) / (12 * h);
                total += d * d;
            }
        }
        return total;
    }

    private static double BruteForceGsc(Probe p, int k)
    {
        double frob2 = BruteForceSquaredFrobenius(p, k);
        double qm = Math.Sqrt(frob2 / (p.Tape.BatchSize * (double)p.Network.PositionWidth(k)));
        double fkNorm = Math.Sqrt(DiagMath.SumSquares<double>(p.Tape.Position(k).Span));
        double f0Norm = Math.Sqrt(DiagMath.SumSquares<double>(p.Tape.Position(0).Span));
        return qm * fkNorm / f0Norm;
    }

    [Theory]
    [InlineData("batch-relu", 1e-9)]
    [InlineData("batch-tanh", 1e-9)]
    [InlineData("resnet-batch-relu", 1e-9)]
    public void Default_profile_of_a_batch_norm_net_with_a_batch_above_the_old_limit_equals_brute_force(string name, double tol)
    {
        var spec = Small(name, depth: 4, width: 5, input: 4, classes: 3);
        int batch = new JacobianOptions().ExactCoupledMaxBatch + 4;
        var p = Make(spec, batch, seed: 6, edit: t => Perturb(t, 0.2, new Rng(5)));
        Assert.True(p.Network.CouplesExamples);
        Assert.Equal(JacobianMode.Hutchinson, p.Tools.ResolveMode(JacobianMode.Auto)); // the full matrix still estimates
        var profile = GradientScale.Profile(p.Tools);
        Assert.Equal(JacobianMode.Exact, profile.Mode);
        for (int i = 0; i < profile.Positions.Count; i++)
        {
            int k = profile.Positions[i];
            Assert.True(profile.Values[i].Exact);
            Assert.Equal(0, profile.Values[i].StandardError);
            Near(BruteForceGsc(p, k), profile.Values[i].Value, tol, $"{name} GSC({k}, 0)");
        }
    }

    [Fact]
    public void Brute_force_sees_the_cross_example_terms_the_block_diagonal_shortcut_misses()
    {
        // Guards the check itself: on a batch-norm net the per-example shortcut (one ones-cotangent) is wrong, so a
        // brute force that agreed with it would prove nothing.
        var spec = Small("batch-tanh", depth: 3, width: 5, input: 4, classes: 3);
        var p = Make(spec, batch: 6, seed: 2, edit: t => Perturb(t, 0.2, new Rng(1)));
        var shortcut = p.Tools.Exact(0, 3, perExample: false)[3].Squared;
        double brute = BruteForceSquaredFrobenius(p, 3);
        Near(brute, p.Tools.Exact(0, 3, perExample: true)[3].Squared, 1e-9, "exact per example");
        Assert.True(Math.Abs(shortcut - brute) > 1e-3 * brute, $"shortcut {shortcut:G6} vs brute force {brute:G6}");
    }

    [Fact]
    public void Profile_batches_above_the_exact_limit_fall_back_to_hutchinson_unless_exact_is_asked_for()
    {
        var spec = Small("batch-relu", depth: 3, width: 4, input: 4, classes: 3);
        var p = Make(spec, batch: 12, seed: 3, options: new JacobianOptions { ExactProfileMaxBatch = 8, Probes = 4 });
        Assert.Equal(JacobianMode.Hutchinson, GradientScale.Profile(p.Tools).Mode);
        Assert.Equal(JacobianMode.Exact, GradientScale.Profile(p.Tools, JacobianMode.Exact).Mode);
        var relu = Make(Small("relu", depth: 3, width: 4, input: 4, classes: 3), batch: 12,
            options: new JacobianOptions { ExactProfileMaxBatch = 8 });
        Assert.Equal(JacobianMode.Exact, GradientScale.Profile(relu.Tools).Mode); // no coupling: always one backward pass
    }

    [Fact]
    public void Hutchinson_profile_remains_an_explicit_option()
    {
        var spec = Small("batch-relu", depth: 4, width: 5, input: 4, classes: 3);
        var p = Make(spec, batch: 24, seed: 3, options: new JacobianOptions { Probes = 8 });
        var estimate = GradientScale.Profile(p.Tools, JacobianMode.Hutchinson);
        Assert.Equal(JacobianMode.Hutchinson, estimate.Mode);
        Assert.All(estimate.Values, v => Assert.False(v.Exact));
        Assert.All(estimate.Values, v => Assert.True(v.StandardError > 0));
    }
}
