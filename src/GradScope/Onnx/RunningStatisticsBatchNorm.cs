using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>
/// Batch norm that always normalises with its running statistics, whatever mode the pass asks for: an imported network
/// analysed with <c>--mode eval</c> (as <c>model.eval()</c> runs it in PyTorch). Per unit it is then an affine map, so it
/// does not couple the examples of the batch.
/// </summary>
public sealed class RunningStatisticsBatchNorm<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public RunningStatisticsBatchNorm(BatchNorm<T> inner) : base(inner.Name, inner.InputDim, inner.OutputDim) => Inner = inner;

    public BatchNorm<T> Inner { get; }

    public override LayerCache<T> CreateCache() => Inner.CreateCache();

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache, ForwardMode mode) =>
        Inner.Forward(theta, x, y, cache, ForwardMode.Eval);

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads) =>
        Inner.Backward(theta, x, y, cache, dy, dx, grads);

    public override string Describe() => $"{Inner.Describe()} (running statistics)";
}
