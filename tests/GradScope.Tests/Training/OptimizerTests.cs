using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Tests.Training;

/// <summary>A few steps of each update rule on one parameter, against values computed by hand.</summary>
public class OptimizerTests
{
    private static (ParameterSet<double> Theta, ParameterSet<double> Grads, Optimizer<double> Optimizer) Setup(
        OptimizerKind kind, double lr)
    {
        var layout = new ParameterLayout();
        layout.Add("w", 1, 2);
        layout.Add("running", 1, 1, trainable: false);
        var theta = new ParameterSet<double>(layout);
        theta[0][0, 0] = 1.0; theta[0][0, 1] = -2.0; theta[1][0, 0] = 5.0;
        return (theta, new ParameterSet<double>(layout), Optimizer<double>.Create(kind, layout, lr));
    }

    private static void Step(ParameterSet<double> theta, ParameterSet<double> grads, Optimizer<double> opt, double g0, double g1)
    {
        grads[0][0, 0] = g0; grads[0][0, 1] = g1; grads[1][0, 0] = 100;
        opt.Step(theta, grads);
    }

    [Fact]
    public void Sgd_subtracts_the_scaled_gradient()
    {
        var (theta, grads, opt) = Setup(OptimizerKind.Sgd, 0.1);
        Step(theta, grads, opt, 2.0, -1.0);
        Assert.Equal(0.8, theta[0][0, 0], 14);
        Assert.Equal(-1.9, theta[0][0, 1], 14);
        Assert.Equal(5.0, theta[1][0, 0]); // buffers are never updated
    }

    [Fact]
    public void Momentum_accumulates_velocity()
    {
        var (theta, grads, opt) = Setup(OptimizerKind.Momentum, 0.1);
        Step(theta, grads, opt, 1.0, 0.0);   // v = 1, θ = 0.9
        Step(theta, grads, opt, 1.0, 0.0);   // v = 1.9, θ = 0.71
        Step(theta, grads, opt, -2.0, 0.0);  // v = −0.29, θ = 0.739
        Assert.Equal(0.739, theta[0][0, 0], 12);
    }

    [Fact]
    public void Adam_first_step_moves_by_the_learning_rate_and_then_follows_the_moments()
    {
        var (theta, grads, opt) = Setup(OptimizerKind.Adam, 0.01);
        Step(theta, grads, opt, 0.5, -3.0);
        // First step: m̂ = g, v̂ = g², so the update is lr·sign(g) up to ε.
        Assert.Equal(1.0 - 0.01, theta[0][0, 0], 8);
        Assert.Equal(-2.0 + 0.01, theta[0][0, 1], 8);
        Step(theta, grads, opt, 1.5, -3.0);
        double m = 0.9 * 0.05 + 0.1 * 1.5;            // 0.195
        double v = 0.999 * 0.00025 + 0.001 * 2.25;    // 0.00249975
        double mHat = m / (1 - 0.81), vHat = v / (1 - 0.999 * 0.999);
        double first = 1.0 - 0.01 * 0.5 / (0.5 + 1e-8);
        Assert.Equal(first - 0.01 * mHat / (Math.Sqrt(vHat) + 1e-8), theta[0][0, 0], 12);
    }

    [Fact]
    public void RmsProp_divides_by_the_running_root_mean_square()
    {
        var (theta, grads, opt) = Setup(OptimizerKind.RmsProp, 0.01);
        Step(theta, grads, opt, 2.0, 0.0);
        double v = 0.01 * 4;
        Assert.Equal(1.0 - 0.01 * 2.0 / (Math.Sqrt(v) + 1e-8), theta[0][0, 0], 12);
        Step(theta, grads, opt, 1.0, 0.0);
        double v2 = 0.99 * v + 0.01;
        Assert.Equal(1.0 - 0.01 * 2.0 / (Math.Sqrt(v) + 1e-8) - 0.01 / (Math.Sqrt(v2) + 1e-8), theta[0][0, 0], 12);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    public void Non_positive_learning_rates_are_rejected(double lr)
    {
        var error = Assert.Throws<ArgumentException>(() => Optimizer<double>.Create(OptimizerKind.Sgd, new ParameterLayout(), lr));
        Assert.Contains("learning rate", error.Message);
    }

    [Fact]
    public void Unknown_optimizer_names_list_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Optimizer<double>.ParseKind("lbfgs"));
        Assert.Contains("adam", error.Message);
    }
}
