using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Tests.Diagnostics;

/// <summary>A network, its parameters and one analysed batch.</summary>
internal sealed class Probe
{
    public required Network<double> Network { get; init; }
    public required ParameterSet<double> Theta { get; init; }
    public required Matrix<double> Input { get; init; }
    public required int[] Labels { get; init; }
    public required Tape<double> Tape { get; init; }
    public required JacobianTools<double> Tools { get; init; }
}

internal static class DiagTestUtil
{
    public static ArchitectureSpec Small(string name, int depth = 5, int width = 6, int input = 5, int classes = 3) =>
        ArchitectureSpec.Create(name, new DataShape(input, classes), new NetworkSizes { LinearLayers = depth, Width = width });

    public static int[] RandomLabels(int count, int classes, Rng rng) =>
        Enumerable.Range(0, count).Select(_ => rng.NextInt(classes)).ToArray();

    public static void ZeroBiases(Network<double> network, ParameterSet<double> theta)
    {
        for (int i = 0; i < theta.Count; i++)
        {
            string name = theta.Layout.Entries[i].Name;
            if (name.EndsWith(".linear.bias", StringComparison.Ordinal) || name == "output.bias")
                theta[i].Clear();
        }
    }

    /// <summary>Adds σ·N(0,1) to every trainable parameter.</summary>
    public static void Perturb(ParameterSet<double> theta, double sigma, Rng rng, Func<string, bool>? which = null)
    {
        for (int i = 0; i < theta.Count; i++)
        {
            var e = theta.Layout.Entries[i];
            if (!e.Trainable || (which is not null && !which(e.Name))) continue;
            foreach (ref var v in theta[i].Span) v += sigma * rng.NextGaussian();
        }
    }

    public static Probe Make(ArchitectureSpec spec, int batch, ulong seed = 1, ParameterSet<double>? theta = null,
        JacobianOptions? options = null, Action<ParameterSet<double>>? edit = null, Matrix<double>? input = null)
    {
        var network = Network<double>.Build(spec);
        theta ??= Initializer.Initialize(network, seed);
        edit?.Invoke(theta);
        var rng = Rng.ForStream(seed, 77);
        input ??= GradientCheck.RandomMatrix(batch, spec.InputDim, rng);
        var labels = RandomLabels(input.Rows, spec.Classes, rng);
        var tape = network.CreateTape();
        network.Forward(theta, input, labels, tape, ForwardMode.Analyze);
        return new Probe
        {
            Network = network, Theta = theta, Input = input, Labels = labels, Tape = tape,
            Tools = new JacobianTools<double>(network, theta, tape, options),
        };
    }

    public static void Near(double expected, double actual, double relTol, string what)
    {
        double err = Math.Abs(actual - expected);
        Assert.True(err <= relTol * Math.Max(Math.Abs(expected), 1e-300),
            $"{what}: expected {expected:G12}, got {actual:G12} (rel. error {err / Math.Abs(expected):G3})");
    }
}
