using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Tests.Networks;
using static GradScope.Tests.Diagnostics.DiagTestUtil;

namespace GradScope.Tests.Diagnostics;

/// <summary>The forward-mode products against the engine's VJPs (adjoint identity) and finite differences.</summary>
public class JvpTests
{
    public static TheoryData<string, BranchLayout> ZooNames() => NetworkGradientTests.ZooNames();

    [Theory]
    [MemberData(nameof(ZooNames))]
    public void Jvp_is_the_adjoint_of_the_engine_vjp(string name, BranchLayout layout)
    {
        var spec = Small(name, depth: 5, width: 6, input: 5, classes: 3) with { BranchLayout = layout };
        var p = Make(spec, batch: 4, seed: 6, edit: t => Perturb(t, 0.1, new Rng(2)));
        int top = p.Network.BlockCount + 1;
        var rng = new Rng(31);
        foreach (var (k, l) in new[] { (top, 0), (top, 1), (top - 1, 1), (2, 0), (3, 2) })
        {
            if (k <= l || k > top) continue;
            var t = GradientCheck.RandomMatrix(3 * 4, p.Network.PositionWidth(k), rng); // three stacked tangents
            var u = GradientCheck.RandomMatrix(3 * 4, p.Network.PositionWidth(l), rng);
            var jt = p.Tools.Jvp(k, l, t);
            var jtu = p.Tools.Vjp(l, k, u);
            Near(GradientCheck.Dot(jtu, t), GradientCheck.Dot(u, jt), 1e-10, $"{name} ⟨u, J({k}→{l}) t⟩");
        }
    }

    [Theory]
    [InlineData("batch-relu")]
    [InlineData("layer-tanh")]
    [InlineData("resnet-layer-selu")]
    [InlineData("resnet-batch-tanh")]
    public void Jvp_from_the_input_to_the_losses_matches_finite_differences(string name)
    {
        var spec = Small(name, depth: 5, width: 6, input: 5, classes: 3);
        var p = Make(spec, batch: 4, seed: 7, edit: t => Perturb(t, 0.1, new Rng(5)));
        var t = GradientCheck.RandomMatrix(4, spec.InputDim, new Rng(8));
        var jt = p.Tools.Jvp(p.Network.BlockCount + 1, 0, t);
        const double h = 1e-5;
        Matrix<double> Losses(double s)
        {
            var x = p.Input.Clone();
            for (int i = 0; i < x.Span.Length; i++) x.Span[i] += s * t.Span[i];
            var tape = p.Network.CreateTape();
            p.Network.Forward(p.Theta, x, p.Labels, tape, ForwardMode.Analyze);
            return tape.Losses.Clone();
        }
        var plus = Losses(h); var minus = Losses(-h);
        var numeric = Enumerable.Range(0, 4).Select(b => (plus[b, 0] - minus[b, 0]) / (2 * h)).ToArray();
        GradientCheck.AssertClose(jt.Span, numeric, 1e-6, $"{name} dℓ");
    }

    [Fact]
    public void Eval_mode_batch_norm_jvp_is_the_adjoint_of_its_vjp()
    {
        var spec = Small("resnet-batch-relu", depth: 5, width: 6, input: 5, classes: 3);
        var network = Network<double>.Build(spec);
        var theta = Initializer.Initialize(network, 4);
        var rng = new Rng(12);
        Perturb(theta, 0.2, rng);
        foreach (var e in theta.Layout.Entries.Where(e => e.Name.EndsWith("running_var", StringComparison.Ordinal)))
            foreach (ref var v in theta[e.Name].Span) v = 0.5 + rng.NextDouble();
        var x = GradientCheck.RandomMatrix(4, 5, rng);
        var tape = network.CreateTape();
        network.Forward(theta, x, [0, 1, 2, 0], tape, ForwardMode.Eval);
        var tools = new JacobianTools<double>(network, theta, tape);
        var t = GradientCheck.RandomMatrix(4, 5, rng);
        var u = GradientCheck.RandomMatrix(4, 1, rng);
        Near(GradientCheck.Dot(tools.Vjp(0, 4, u), t), GradientCheck.Dot(u, tools.Jvp(4, 0, t)), 1e-10, "⟨u, J t⟩");
    }
}
