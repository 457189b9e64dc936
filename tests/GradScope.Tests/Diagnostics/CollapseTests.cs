using GradScope.Networks;
using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Tensors;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

public class CollapseTests
{
    private static readonly ParameterSet<double> NoParameters = new(new ParameterLayout());

    private static UnitStatistics Stats(ActivationKind kind, double[][] rows) =>
        CollapseMetrics.Compute(ActivationFactory.Create<double>(kind, "act", rows[0].Length), NoParameters, Matrix<double>.FromRows(rows));

    [Fact]
    public void Known_standard_deviations_and_sign_diversity()
    {
        // unit 0: ±2 symmetric → std 2, sign diversity 0.5; unit 1: 1, 2, 3, 4 → std √1.25, diversity 0;
        // unit 2: constant 5 → std 0, diversity 0.
        double[][] z = [[2, 1, 5], [-2, 2, 5], [2, 3, 5], [-2, 4, 5]];
        var s = Stats(ActivationKind.Linear, z);
        Assert.Equal(3, s.Units);
        Near((2 + Math.Sqrt(1.25) + 0) / 3, s.PreActivationStdMean, 1e-14, "std mean");
        Assert.Equal(0, s.PreActivationStdMin);
        Near(0.5 / 3, s.SignDiversityMean, 1e-14, "sign diversity");
        Assert.Equal(0, s.PseudoLinearityMean);
    }

    [Fact]
    public void Sign_diversity_is_one_half_for_symmetric_signs_and_zero_for_positive_units()
    {
        var rng = new Rng(1);
        var symmetric = Enumerable.Range(0, 10)
            .Select(i => Enumerable.Range(0, 4).Select(_ => (i % 2 == 0 ? 1 : -1) * (0.1 + rng.NextDouble())).ToArray()).ToArray();
        Assert.Equal(0.5, Stats(ActivationKind.Tanh, symmetric).SignDiversityMean);
        var positive = symmetric.Select(r => r.Select(Math.Abs).ToArray()).ToArray();
        Assert.Equal(0, Stats(ActivationKind.Tanh, positive).SignDiversityMean);
        // Zeros count as neither sign: 1 positive, 2 negative, 1 zero → 1/3.
        Near(1.0 / 3, Stats(ActivationKind.Relu, [[1.0], [-1.0], [-2.0], [0.0]]).SignDiversityMean, 1e-15, "with a zero");
    }

    [Fact]
    public void Pseudo_linearity_is_zero_for_linear_action_and_positive_for_relu_on_mixed_signs()
    {
        var rng = new Rng(2);
        var mixed = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 5).Select(_ => rng.NextGaussian()).ToArray()).ToArray();
        Assert.Equal(0, Stats(ActivationKind.Linear, mixed).PseudoLinearityMean, 12);
        var relu = Stats(ActivationKind.Relu, mixed).PseudoLinearityMean;
        // relu of a standard normal: 1 − corr² = 1 − (1/2)/(1/2 − 1/(2π)) ≈ 0.2180 (sampling noise at B = 200).
        Assert.InRange(relu, 0.15, 0.29);
        // relu on an all-positive domain acts linearly.
        var positive = mixed.Select(r => r.Select(v => Math.Abs(v) + 0.1).ToArray()).ToArray();
        Assert.Equal(0, Stats(ActivationKind.Relu, positive).PseudoLinearityMean, 12);
        // tanh on a tiny domain is almost linear, on a wide one clearly not.
        var tiny = mixed.Select(r => r.Select(v => 1e-3 * v).ToArray()).ToArray();
        Assert.True(Stats(ActivationKind.Tanh, tiny).PseudoLinearityMean < 1e-5);
        var wide = mixed.Select(r => r.Select(v => 5 * v).ToArray()).ToArray();
        Assert.True(Stats(ActivationKind.Tanh, wide).PseudoLinearityMean > 0.05);
    }

    [Fact]
    public void Network_collapse_lists_every_nonlinearity_with_positions()
    {
        // Input map + 2 post-activation units of 2 (batch norm right before every relu).
        var spec = Small("resnet-batch-relu", depth: 5, width: 6, input: 5, classes: 3) with { BranchLayout = BranchLayout.PostActivation };
        var p = Make(spec, batch: 8);
        var entries = CollapseMetrics.ForNetwork(p.Network, p.Theta, p.Tape);
        Assert.Equal(5, entries.Count);
        Assert.Equal([1, 1, 2, 2, 3], entries.Select(e => e.Position));
        Assert.Equal([2, 1, 4, 3, 5], entries.Select(e => e.LinearLayersFromOutput));
        // Batch norm right before relu: every unit has mean 0 and std ≈ 1 (ε) over the batch.
        foreach (var e in entries) Near(1.0, e.Statistics.PreActivationStdMean, 1e-3, e.Layer);
    }

    [Fact]
    public void Blocks_on_the_pool_give_the_serial_entries()
    {
        // Positions run on the worker pool and come back in position order, each computed as alone.
        var spec = Small("resnet-batch-relu", depth: 9, width: 6, input: 5, classes: 3);
        var p = Make(spec, batch: 8, edit: t => Perturb(t, 0.2, new Rng(3)));
        var serial = CollapseMetrics.ForNetwork(p.Network, p.Theta, p.Tape, new WorkerPool(0));
        var parallel = CollapseMetrics.ForNetwork(p.Network, p.Theta, p.Tape, new WorkerPool(3));
        Assert.Equal(serial, parallel);
        Assert.Equal(8, serial.Count); // 4 residual units with 2 nonlinearities each
        Assert.Equal(serial.Select(e => e.Position).Order(), serial.Select(e => e.Position));
    }
}
