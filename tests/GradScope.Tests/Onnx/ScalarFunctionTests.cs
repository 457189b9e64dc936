using GradScope.Layers;
using GradScope.Onnx;
using GradScope.Tensors;

namespace GradScope.Tests.Onnx;

public class ScalarFunctionTests
{
    public static TheoryData<UnaryOp, double, double> Primitives => new()
    {
        { UnaryOp.Relu, 0, 0 }, { UnaryOp.LeakyRelu, 0.2, 0 }, { UnaryOp.Elu, 1.3, 0 }, { UnaryOp.Selu, ElementwiseRegion.SeluAlpha,
            ElementwiseRegion.SeluLambda },
        { UnaryOp.Celu, 0.7, 0 }, { UnaryOp.Tanh, 0, 0 }, { UnaryOp.Sigmoid, 0, 0 }, { UnaryOp.Softplus, 0, 0 }, { UnaryOp.Softsign, 0, 0 },
        { UnaryOp.Erf, 0, 0 }, { UnaryOp.Exp, 0, 0 }, { UnaryOp.Neg, 0, 0 }, { UnaryOp.Abs, 0, 0 }, { UnaryOp.Gelu, 0, 0 },
        { UnaryOp.GeluTanh, 0, 0 }, { UnaryOp.Clip, -1, 2 }, { UnaryOp.HardSigmoid, 0.2, 0.5 }, { UnaryOp.HardSwish, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void Derivative_matches_central_finite_differences(UnaryOp op, double p, double q)
    {
        // Composed with an affine map so the chain rule is exercised too: f(z) = op(1.5 z − 0.25).
        var f = ScalarFunction.Unary(op, ScalarFunction.Binary(BinaryOp.Sub,
            ScalarFunction.Binary(BinaryOp.Mul, ScalarFunction.Constant(1.5), ScalarFunction.Input), ScalarFunction.Constant(0.25)), p, q);
        const double h = 1e-6;
        foreach (double z in new[] { -2.3, -0.71, -0.05, 0.13, 0.62, 1.9, 3.4 })
        {
            double a = 1.5 * z - 0.25;
            if (op is UnaryOp.Relu or UnaryOp.LeakyRelu or UnaryOp.Abs or UnaryOp.Clip or UnaryOp.HardSigmoid or UnaryOp.HardSwish
                && new[] { 0.0, -1, 2, -2.5, 2.5, -3, 3 }.Any(k => Math.Abs(a - k) < 1e-3)) continue; // kinks
            double fd = (f.Evaluate(z + h).Value - f.Evaluate(z - h).Value) / (2 * h);
            Assert.True(Math.Abs(f.Evaluate(z).Derivative - fd) <= 1e-6 * (1 + Math.Abs(fd)),
                $"{op} at z = {z}: {f.Evaluate(z).Derivative} vs {fd}");
        }
    }

    [Fact]
    public void Erf_decomposition_of_gelu_is_recognised_and_equals_gelu()
    {
        var x = ScalarFunction.Input;
        var erf = ScalarFunction.Unary(UnaryOp.Erf, ScalarFunction.Binary(BinaryOp.Div, x, ScalarFunction.Constant(Math.Sqrt(2))));
        var gelu = ScalarFunction.Binary(BinaryOp.Mul,
            ScalarFunction.Binary(BinaryOp.Mul, x, ScalarFunction.Binary(BinaryOp.Add, erf, ScalarFunction.Constant(1))),
                ScalarFunction.Constant(0.5));
        var reference = ScalarFunction.Unary(UnaryOp.Gelu, x);
        foreach (double z in new[] { -3.0, -0.4, 0.0, 0.8, 2.5 })
        {
            Assert.Equal(reference.Evaluate(z).Value, gelu.Evaluate(z).Value, 14);
            Assert.Equal(reference.Evaluate(z).Derivative, gelu.Evaluate(z).Derivative, 13);
        }
        Assert.Equal("gelu (decomposed)", gelu.FriendlyName());
        Assert.Equal(0.8413447460685429, gelu.Evaluate(1).Value, 15); // Φ(1)
    }

    [Fact]
    public void Layer_backward_applies_the_derivative_to_every_stacked_cotangent()
    {
        var layer = new ScalarFunctionLayer<double>("act", 3, ScalarFunction.Unary(UnaryOp.LeakyRelu, ScalarFunction.Input, 0.2));
        var x = new Matrix<double>(2, 3, [1, -1, 2, -3, 0.5, -0.5]);
        var y = new Matrix<double>(0, 0);
        var cache = layer.CreateCache();
        layer.Forward(new ParameterSet<double>(new ParameterLayout()), x, y, cache, ForwardMode.Analyze);
        Assert.Equal([1, -0.2, 2, -0.6, 0.5, -0.1], y.Span.ToArray().Select(v => Math.Round(v, 12)));
        var dy = new Matrix<double>(4, 3, [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7]);
        var dx = new Matrix<double>(0, 0);
        layer.Backward(new ParameterSet<double>(new ParameterLayout()), x, y, cache, dy, dx, null);
        Assert.Equal([1, 0.2, 1, 0.2, 1, 0.2, 2, 0.6, 4, 1, 6, 1.4], dx.Span.ToArray().Select(v => Math.Round(v, 12)));
    }
}
