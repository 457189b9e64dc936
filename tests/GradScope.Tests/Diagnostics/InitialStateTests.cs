using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Tests.Diagnostics;

/// <summary>
/// The paper's initial-state probe: depth 50, width 100, 256 Gaussian-noise inputs. One class per architecture so
/// that xUnit runs them in parallel.
/// </summary>
internal static class InitialState
{
    public static DiagnosticsReport Analyze(string name, JacobianMode mode = JacobianMode.Auto)
    {
        var spec = ArchitectureSpec.Create(name, DataShape.FashionMnist, new NetworkSizes { LinearLayers = 50, Width = 100 });
        var network = Network<double>.Build(spec);
        var theta = Initializer.Initialize(network, 1);
        var rng = new Rng(7);
        var x = new Matrix<double>(256, spec.InputDim);
        DiagMath.FillGaussian(x.Span, rng);
        var labels = Enumerable.Range(0, 256).Select(_ => rng.NextInt(spec.Classes)).ToArray();
        return DiagnosticsRunner.Analyze(network, theta, null, x, labels, new DiagnosticsOptions
        {
            ProfileMode = mode,
            Jacobian = new JacobianOptions { Probes = 4 },
            Collapse = false,
            Seed = 1,
        });
    }
}

public class InitialStateBatchReluTests
{
    [Fact]
    public void Batch_relu_explodes_at_about_1_2_per_linear_layer()
    {
        var report = InitialState.Analyze("batch-relu");
        Assert.Equal("hutchinson", report.Gsc.Method);
        Assert.Equal("exploding", report.Gsc.Verdict);
        Assert.InRange(report.Gsc.Rate, 1.1, 1.35);
        Assert.True(report.Gsc.R2 > 0.95, $"R² = {report.Gsc.R2}");
    }
}

public class InitialStateReluTests
{
    [Fact]
    public void Relu_does_not_explode()
    {
        var report = InitialState.Analyze("relu");
        Assert.Equal("exact", report.Gsc.Method);
        Assert.NotEqual("exploding", report.Gsc.Verdict);
    }
}

public class InitialStateTanhTests
{
    [Fact]
    public void Tanh_does_not_explode()
    {
        var report = InitialState.Analyze("tanh");
        Assert.NotEqual("exploding", report.Gsc.Verdict);
    }
}
