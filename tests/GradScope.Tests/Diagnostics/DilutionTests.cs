using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class DilutionTests
{
    /// <summary>
    /// For f(v) = v + ρ(v) the Pythagorean relation ‖f‖² ≈ ‖v‖² + ‖ρ‖² together with ‖I + J_ρ‖_qm² ≈ 1 + ‖J_ρ‖_qm²
    /// gives GSC_f² − 1 ≈ (GSC_ρ² − 1)/(k² + 1): the growth (GSC² − 1, ≈ 2·log GSC near 1) shrinks k² + 1-fold.
    /// Both relations hold only approximately — the branch output and its Jacobian are merely nearly orthogonal
    /// to the skip path, with O(1/√(B·d)) cross terms at finite width and batch — hence the loose 20 % tolerance.
    /// The branch weights are scaled ×3 (chaotic tanh, GSC_ρ ≈ 1.3) so that the growth is well above that noise.
    /// A relu branch would not do: its output is non-negative like its input, the two are strongly correlated and the
    /// Pythagorean relation fails (a property of relu, not of the code).
    /// </summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(0.3)]
    public void Growth_reduction_is_close_to_k_squared_plus_one(double weight)
    {
        // Post-activation: the branch ends in tanh, whose scaled chaotic regime gives the large branch GSC needed here.
        var spec = Small("resnet-tanh", depth: 3, width: 64, input: 50, classes: 5) with
        {
            ResidualWeight = weight, BranchLayout = BranchLayout.PostActivation,
        };
        var p = Make(spec, batch: 32, seed: 3, edit: t =>
        {
            foreach (var e in t.Layout.Entries.Where(e => e.Name.StartsWith("blocks.1.branch", StringComparison.Ordinal)
                                                          && e.Name.EndsWith(".weight", StringComparison.Ordinal)))
                foreach (ref var v in t[e.Name].Span) v *= 3;
        });
        var d = Assert.Single(Dilution.Compute(p.Tools));
        Assert.True(d.Exact);
        Assert.InRange(d.Dilution, 0.5, 3); // moderate k
        Assert.True(d.GscBranch > 1.2, $"branch GSC {d.GscBranch}");
        Near(d.PredictedReduction, d.GrowthReduction, 0.2, $"(G_b² − 1)/(G_u² − 1) at k = {d.Dilution:F2}");
        Near(d.PredictedGscUnit, d.GscUnit, 0.02, "GSC of the unit");
    }

    [Fact]
    public void Dilution_values_follow_their_definitions()
    {
        var spec = Small("resnet-layer-tanh", depth: 5, width: 6, input: 5, classes: 3) with { ResidualWeight = 0.7 };
        var p = Make(spec, batch: 5, seed: 2, edit: t => Perturb(t, 0.1, new Rng(1)));
        var entries = Dilution.Compute(p.Tools);
        Assert.Equal(2, entries.Count);
        foreach (var d in entries)
        {
            int b = p.Network.BlockIndexOfPosition(d.Position);
            var unit = (ResidualUnit<double>)p.Network.Blocks[b];
            var v = p.Tape.Activations[b];
            var branch = unit.BranchOutput(p.Tape.BlockCaches[b]);
            Near(Math.Sqrt(GradientCheck.Dot(v, v) / GradientCheck.Dot(branch, branch)) / 0.7, d.Dilution, 1e-12, "k");
            // GSC of the whole unit equals the network GSC between its input and output positions.
            Near(GradientScale.Pair(p.Tools, d.Position + 1, d.Position).Value, d.GscUnit, 1e-10, "GSC unit");
        }
        // Hutchinson with many probes agrees with the exact values.
        var probe = Make(spec, batch: 5, seed: 2, options: new JacobianOptions { Probes = 2000 }, edit: t => Perturb(t, 0.1, new Rng(1)));
        var hutch = Dilution.Compute(probe.Tools, JacobianMode.Hutchinson);
        for (int i = 0; i < entries.Count; i++)
        {
            Assert.True(Math.Abs(hutch[i].GscBranch - entries[i].GscBranch) <= 4 * hutch[i].StandardErrorBranch, "branch");
            Assert.True(Math.Abs(hutch[i].GscUnit - entries[i].GscUnit) <= 4 * hutch[i].StandardErrorUnit, "unit");
        }
    }
    [Theory]
    [InlineData(JacobianMode.Hutchinson)]
    [InlineData(JacobianMode.Exact)]
    public void Units_on_the_pool_give_the_serial_bits(JacobianMode mode)
    {
        // Each unit has its own probe stream and scratch, so the units can run on any thread: a one-thread pool (every unit
        // in order on the caller) and a four-thread one give the same entries to the bit.
        var spec = Small("resnet-batch-relu", depth: 9, width: 6, input: 5, classes: 3);
        var p = Make(spec, batch: 5, seed: 3, edit: t => Perturb(t, 0.2, new Rng(2)));
        var serial = Dilution.Compute(p.Tools, mode, new WorkerPool(0));
        var parallel = Dilution.Compute(p.Tools, mode, new WorkerPool(3));
        Assert.Equal(4, serial.Count);
        Assert.Equal(serial, parallel);
        Assert.All(serial, d => Assert.True(double.IsFinite(d.GscUnit) && d.GscUnit > 0));
    }
}
