using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Tests.Layers;

/// <summary>Every layer's backward against double-precision finite differences of ⟨dy, layer(x)⟩.</summary>
public class LayerGradientTests
{
    private const int Batch = 5, InDim = 4, OutDim = 3;

    public static TheoryData<string, ForwardMode> Layers() => new()
    {
        { "linear", ForwardMode.Train },
        { "relu", ForwardMode.Train },
        { "tanh", ForwardMode.Train },
        { "selu", ForwardMode.Train },
        { "identity", ForwardMode.Train },
        { "batchnorm", ForwardMode.Analyze },
        { "batchnorm", ForwardMode.Eval },
        { "layernorm", ForwardMode.Train },
    };

    private static (Layer<double> Layer, ParameterSet<double> Theta) Create(string kind, Rng rng)
    {
        var layout = new ParameterLayout();
        Layer<double> layer = kind switch
        {
            "linear" => new Linear<double>("l", InDim, OutDim, layout),
            "relu" => ActivationFactory.Create<double>(ActivationKind.Relu, "a", InDim),
            "tanh" => ActivationFactory.Create<double>(ActivationKind.Tanh, "a", InDim),
            "selu" => ActivationFactory.Create<double>(ActivationKind.Selu, "a", InDim),
            "identity" => ActivationFactory.Create<double>(ActivationKind.Linear, "a", InDim),
            "batchnorm" => new BatchNorm<double>("n", InDim, layout),
            "layernorm" => new LayerNorm<double>("n", InDim, layout),
            _ => throw new ArgumentException(kind),
        };
        var theta = new ParameterSet<double>(layout);
        for (int i = 0; i < theta.Count; i++)
            foreach (ref var v in theta[i].Span)
                v = layout.Entries[i].Name.EndsWith("running_var") ? 0.5 + rng.NextDouble() : rng.NextGaussian();
        return (layer, theta);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Backward_matches_finite_differences(string kind, ForwardMode mode)
    {
        var rng = new Rng(42);
        var (layer, theta) = Create(kind, rng);
        var x = GradientCheck.RandomMatrix(Batch, layer.InputDim, rng);
        var dy = GradientCheck.RandomMatrix(Batch, layer.OutputDim, rng);
        var y = new Matrix<double>(0, 0);
        var cache = layer.CreateCache();

        double Objective()
        {
            var scratch = new Matrix<double>(0, 0);
            layer.Forward(theta, x, scratch, layer.CreateCache(), mode);
            return GradientCheck.Dot(scratch, dy);
        }

        layer.Forward(theta, x, y, cache, mode);
        var dx = new Matrix<double>(0, 0);
        var grads = new ParameterSet<double>(theta.Layout);
        layer.Backward(theta, x, y, cache, dy, dx, grads);

        GradientCheck.AssertClose(dx.Span, GradientCheck.Numeric(x.Span, Objective), 1e-6, $"{kind} dx");
        for (int i = 0; i < theta.Count; i++)
        {
            if (!theta.Layout.Entries[i].Trainable) continue;
            GradientCheck.AssertClose(grads[i].Span, GradientCheck.Numeric(theta[i].Span, Objective), 1e-6, theta.Layout.Entries[i].Name);
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Stacked_cotangents_equal_separate_backward_passes(string kind, ForwardMode mode)
    {
        var rng = new Rng(7);
        var (layer, theta) = Create(kind, rng);
        var x = GradientCheck.RandomMatrix(Batch, layer.InputDim, rng);
        var y = new Matrix<double>(0, 0);
        var cache = layer.CreateCache();
        layer.Forward(theta, x, y, cache, mode);

        const int cotangents = 3;
        var stacked = GradientCheck.RandomMatrix(cotangents * Batch, layer.OutputDim, rng);
        var stackedDx = new Matrix<double>(0, 0);
        layer.Backward(theta, x, y, cache, stacked, stackedDx, null);
        Assert.Equal(cotangents * Batch, stackedDx.Rows);

        for (int c = 0; c < cotangents; c++)
        {
            var single = new Matrix<double>(Batch, layer.OutputDim);
            stacked.Span.Slice(c * single.Length, single.Length).CopyTo(single.Span);
            var dx = new Matrix<double>(0, 0);
            layer.Backward(theta, x, y, cache, single, dx, null);
            GradientCheck.AssertClose(stackedDx.Span.Slice(c * dx.Length, dx.Length), dx.Span, 1e-12, $"{kind} cotangent {c}");
        }
    }

    [Fact]
    public void Softmax_cross_entropy_backward_matches_finite_differences()
    {
        var rng = new Rng(3);
        var loss = new SoftmaxCrossEntropy<double>(4);
        var logits = GradientCheck.RandomMatrix(Batch, 4, rng, 3.0);
        int[] labels = [0, 3, 1, 2, 3];
        var dLoss = GradientCheck.RandomMatrix(Batch, 1, rng);
        var losses = new Matrix<double>(0, 0);
        var probs = new Matrix<double>(0, 0);

        double Objective()
        {
            var l = new Matrix<double>(0, 0);
            loss.Forward(logits, labels, l, new Matrix<double>(0, 0));
            return GradientCheck.Dot(l, dLoss);
        }

        loss.Forward(logits, labels, losses, probs);
        var dLogits = new Matrix<double>(0, 0);
        loss.Backward(probs, labels, dLoss, dLogits);
        GradientCheck.AssertClose(dLogits.Span, GradientCheck.Numeric(logits.Span, Objective), 1e-6, "dlogits");
    }

    [Fact]
    public void Softmax_cross_entropy_is_exact_for_extreme_logits()
    {
        var loss = new SoftmaxCrossEntropy<double>(2);
        var logits = Matrix<double>.FromRows([[1000.0, -1000.0], [0.0, 0.0]]);
        var losses = new Matrix<double>(0, 0);
        loss.Forward(logits, [1, 0], losses, new Matrix<double>(0, 0));
        Assert.Equal(2000.0, losses[0, 0], 9);
        Assert.Equal(Math.Log(2), losses[1, 0], 12);
    }

    [Fact]
    public void Batch_norm_training_updates_running_statistics_like_pytorch()
    {
        var layout = new ParameterLayout();
        var bn = new BatchNorm<double>("n", 1, layout);
        var theta = new ParameterSet<double>(layout);
        theta[bn.GainIndex].Span.Fill(1);
        theta[bn.RunningVarIndex].Span.Fill(1);
        var x = Matrix<double>.FromRows([[1.0], [2.0], [3.0], [6.0]]);
        var y = new Matrix<double>(0, 0);
        bn.Forward(theta, x, y, bn.CreateCache(), ForwardMode.Train);
        // mean 3, biased var 3.5, unbiased 14/3.
        Assert.Equal(0.3, theta[bn.RunningMeanIndex][0, 0], 12);
        Assert.Equal(0.9 + 0.1 * 14.0 / 3.0, theta[bn.RunningVarIndex][0, 0], 12);
        Assert.Equal((1 - 3) / Math.Sqrt(3.5 + 1e-5), y[0, 0], 12);
        bn.Forward(theta, x, y, bn.CreateCache(), ForwardMode.Analyze);
        Assert.Equal(0.3, theta[bn.RunningMeanIndex][0, 0], 12);
    }

    [Fact]
    public void Selu_uses_the_published_constants()
    {
        Assert.Equal(1.0507009873554805 * 2.0, SeluOperator<double>.Apply(2.0), 15);
        Assert.Equal(1.0507009873554805 * 1.6732632423543772 * (Math.Exp(-1) - 1), SeluOperator<double>.Apply(-1.0), 15);
    }
}
