using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Benchmarks;

/// <summary>
/// One zoo network with a fixed random batch and an optimizer (Adam unless told), ready to take training steps: the workload that
/// <c>gradscope bench</c> and the step profiler in bench/ time. Each phase is public so a profiler can time it alone.
/// </summary>
public sealed class SyntheticTrainingStep
{
    public SyntheticTrainingStep(ArchitectureSpec spec, int batch, OptimizerKind optimizer = OptimizerKind.Adam)
    {
        spec.Validate();
        Network = Network<float>.Build(spec);
        Theta = Initializer.Initialize(Network, seed: 1);
        Optimizer = Optimizer<float>.Create(optimizer, Network.Layout, 1e-4);
        Inputs = new Matrix<float>(batch, spec.InputDim);
        var rng = new Rng(2);
        foreach (ref var v in Inputs.Span) v = (float)rng.NextGaussian();
        Labels = new int[batch];
        for (int i = 0; i < batch; i++) Labels[i] = rng.NextInt(spec.Classes);
        Tape = Network.CreateTape();
        Gradients = Network.CreateParameters();
        LinearWeights = Network.Blocks.SelectMany(b => b.Layers).OfType<Linear<float>>().Append(Network.Output)
            .Sum(l => (long)l.InputDim * l.OutputDim);
    }

    public Network<float> Network { get; }
    public ParameterSet<float> Theta { get; }
    public Optimizer<float> Optimizer { get; }
    public Matrix<float> Inputs { get; }
    public int[] Labels { get; }
    public Tape<float> Tape { get; }
    public ParameterSet<float> Gradients { get; }
    public int Batch => Inputs.Rows;

    /// <summary>Entries of all linear weight matrices; a step costs 6·B·LinearWeights flops (forward, input and weight
    /// gradients).</summary>
    public long LinearWeights { get; }

    public double FlopsPerStep => 6.0 * Batch * LinearWeights;

    public void Forward() => Network.Forward(Theta, Inputs, Labels, Tape, ForwardMode.Train);
    public void Backward() => Network.Gradient(Theta, Tape, Gradients);
    public void Update() => Optimizer.Step(Theta, Gradients);

    public void Step()
    {
        Forward();
        Backward();
        Update();
    }
}
