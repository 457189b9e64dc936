using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Diagnostics.Diagnosis;
using GradScope.Layers;
using GradScope.Networks;
using Xunit.Abstractions;

namespace GradScope.Tests.Diagnostics.Diagnosis;

public class MeanFieldTheoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Gaussian_integrals_match_closed_forms()
    {
        // E[relu(z)²] = q/2, E[relu'(z)²] = 1/2, E[z²] = q.
        Assert.Equal(1.5, MeanFieldTheory.MeanSquare(ActivationKind.Relu, 3), 12);
        Assert.Equal(1.0, MeanFieldTheory.Chi(ActivationKind.Relu, 2, 0.7), 12);
        Assert.Equal(0.7, MeanFieldTheory.MeanSquare(ActivationKind.Linear, 0.7), 12);
        // SeLU's constants make (mean 0, variance 1) a fixed point: E[selu(z)²] = 1 for z ~ N(0, 1).
        Assert.Equal(1.0, MeanFieldTheory.MeanSquare(ActivationKind.Selu, 1), 6);
        Assert.Equal(1.0, MeanFieldTheory.FixedPoint(ActivationKind.Selu, 1, 2.0), 9);
        Assert.Equal(1.0, MeanFieldTheory.FixedPoint(ActivationKind.Selu, 1, 0.1), 9);
        // ReLU with gain 2: every variance is a fixed point; gain 3: the variance explodes.
        Assert.Equal(0.37, MeanFieldTheory.FixedPoint(ActivationKind.Relu, 2, 0.37), 12);
        Assert.Equal(double.PositiveInfinity, MeanFieldTheory.FixedPoint(ActivationKind.Relu, 3, 1));
        // E[tanh(z)²] for z ~ N(0,1) is 0.394294… (tabulated Gaussian integral).
        Assert.Equal(0.394294, MeanFieldTheory.MeanSquare(ActivationKind.Tanh, 1), 5);
        // tanh with gain 1 has q* = 0 and χ(0) = 1.
        Assert.Equal(0, MeanFieldTheory.FixedPoint(ActivationKind.Tanh, 1, 1.0));
        Assert.Equal(1.0, MeanFieldTheory.Chi(ActivationKind.Tanh, 1, 0), 12);
    }

    [Fact]
    public void Predictions_for_the_zoo()
    {
        var relu = MeanFieldTheory.Predict(ArchitectureSpec.Create("relu", DataShape.FashionMnist) with { LinearLayers = 20 }, 1)!;
        Assert.Equal(1.0, relu.Rate, 12);
        var selu = MeanFieldTheory.Predict(ArchitectureSpec.Create("selu", DataShape.FashionMnist) with { LinearLayers = 20 }, 1)!;
        // √χ at q* = 1: λ²(½ + α² e² Φ(−2)) = 1.07165…, √ = 1.03521.
        Assert.Equal(1.0352, selu.FixedPointRate, 4);
        Assert.Equal(selu.FixedPointRate, selu.Rate, 4);
        Assert.Equal(Math.Sqrt(Math.PI / (Math.PI - 1)), MeanFieldTheory.Predict(ArchitectureSpec.Create("batch-relu",
            DataShape.FashionMnist), 1)!.Rate, 12);
        Assert.Null(MeanFieldTheory.Predict(ArchitectureSpec.Create("batch-tanh", DataShape.FashionMnist), 1));
        Assert.Null(MeanFieldTheory.Predict(ArchitectureSpec.Create("resnet-relu", DataShape.FashionMnist), 1));
        Assert.Equal(1.0, MeanFieldTheory.Predict(ArchitectureSpec.Create("relu-ll", DataShape.FashionMnist), 1)!.Rate);
    }

    /// <summary>
    /// A wide network (width = batch = 1024, input 1024, depth 10, Gaussian noise) against the mean-field rate.
    /// Tolerance on log r, derived for this size: (1) sampling — the log-profile is a random walk whose per-layer step
    /// has variance ≈ 2/width for one example (the squared norm of Wᵀ D g is a sum of `width` roughly independent
    /// terms), averaged over the batch; the least-squares slope of a random walk over N = 9 steps has variance
    /// 6σ²/(5N), so one standard error is √(6/5 · 2/1024 / 9) = 0.0161 even before batch averaging; 3 standard
    /// errors = 0.048; (2) finite-width bias of mean field, O(1/width) = 0.001. Tolerance |Δ log r| ≤ 0.049.
    /// The per-network sampling error that <see cref="TheoryComparison"/> estimates from the measured steps must also
    /// call the pair "agrees".
    /// </summary>
    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("selu")]
    public void Mean_field_rate_matches_a_wide_network(string name)
    {
        const int width = 1024, batch = 1024, depth = 10;
        double tolerance = 3 * Math.Sqrt(6.0 / 5.0 * (2.0 / width) / (depth - 1)) + 1.0 / width;
        var spec = ArchitectureSpec.Create(name, DataShape.FashionMnist) with { LinearLayers = depth, Width = width, InputDim = width,
            Classes = 10 };
        var noise = GaussianNoise.Create(batch, width, 7, 10);
        var theta = Initializer.Initialize(Network<float>.Build(spec), 7);
        var options = new DiagnosticsOptions { Collapse = false, ResidualTrick = false };
        var result = DiagnosisRunner.Run(name, spec, theta, null, noise.Inputs, noise.Labels, options, whatIf: false);
        var theory = result.Theory!;
        output.WriteLine($"{name}: predicted {theory.Prediction.Rate:0.00000}, measured {theory.MeasuredRate:0.00000}, " +
                         $"Δlog {theory.LogDifference:0.00000}, tolerance {tolerance:0.0000}, estimated SE {theory.SamplingError:0.00000}");
        Assert.True(Math.Abs(theory.LogDifference) <= tolerance, $"Δ log r = {theory.LogDifference} beyond {tolerance}");
        // The worst-case tolerance above ignores that the batch's examples average the fluctuations; the comparison's own
        // tolerance (3 standard errors estimated from the measured steps + 2/width) is tighter, and must also agree.
        Assert.False(theory.Disagrees, $"Δ log r = {theory.LogDifference} beyond the estimated tolerance {theory.Tolerance}");
        // …and tight enough to tell SeLU's growth from none: a prediction of r = 1 would be rejected.
        if (name == "selu") Assert.True(Math.Abs(Math.Log(theory.MeasuredRate)) > theory.Tolerance);
    }

    /// <summary>
    /// Batch-norm ReLU at width = batch = 1024 against Yang et al.'s large-batch rate √(π/(π−1)) = 1.21118. Tolerance on
    /// log r: sampling as above over N = 5 steps (depth 6): 3·√(6/5 · 2/1024 / 5) = 0.065; the Hutchinson estimate with 2
    /// probes of a rank-≈10⁶ Jacobian adds a relative error of order √(2/rank), negligible; finite batch shifts the rate by
    /// O(1/B) (at B = 256 we measured −0.0094 in log r, i.e. ≈ −2.4/B), allowed as 3/B = 0.003. Tolerance 0.069.
    /// </summary>
    [Fact]
    public void Batch_norm_relu_rate_matches_yang_et_al_on_a_wide_network()
    {
        const int width = 1024, batch = 1024, depth = 6;
        double tolerance = 3 * Math.Sqrt(6.0 / 5.0 * (2.0 / width) / (depth - 1)) + 3.0 / batch;
        var spec = ArchitectureSpec.Create("batch-relu", DataShape.FashionMnist) with { LinearLayers = depth, Width = width,
            InputDim = width, Classes = 10 };
        var noise = GaussianNoise.Create(batch, width, 7, 10);
        var theta = Initializer.Initialize(Network<float>.Build(spec), 7);
        var options = new DiagnosticsOptions { Collapse = false, ResidualTrick = false, Jacobian = new JacobianOptions { Probes = 2 } };
        var theory = DiagnosisRunner.Run("batch-relu", spec, theta, null, noise.Inputs, noise.Labels, options, whatIf: false).Theory!;
        output.WriteLine($"batch-relu: predicted {theory.Prediction.Rate:0.00000}, measured {theory.MeasuredRate:0.00000}, " +
                         $"Δlog {theory.LogDifference:0.00000}, tolerance {tolerance:0.0000}, estimated SE {theory.SamplingError:0.00000}");
        Assert.True(Math.Abs(theory.LogDifference) <= tolerance, $"Δ log r = {theory.LogDifference} beyond {tolerance}");
        Assert.False(theory.Disagrees, $"Δ log r = {theory.LogDifference} beyond the estimated tolerance {theory.Tolerance}");
        // A wrong theory would be caught: the measured rate rejects the plain-ReLU mean-field value r = 1 by far.
        Assert.True(Math.Abs(Math.Log(theory.MeasuredRate)) > 10 * theory.Tolerance);
    }
}
