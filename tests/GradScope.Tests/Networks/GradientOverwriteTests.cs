using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Tests.Networks;

/// <summary><see cref="Network{T}.Gradient"/> writes the gradient over whatever grads held, with the values of a clear followed
/// by the accumulating <see cref="Network{T}.Backward(ParameterSet{T}, Tape{T}, ParameterSet{T})"/>, on every backward path.
/// </summary>
public class GradientOverwriteTests
{
    [Theory]
    [InlineData("relu", 128, false)] // row slices
    [InlineData("layer-relu", 128, false)]
    [InlineData("resnet-tanh", 1000, false)]
    [InlineData("batch-relu", 128, false)] // row slices with batch-norm phases (running statistics are not gradients)
    [InlineData("resnet-batch-relu", 1000, false)]
    [InlineData("batch-relu", 128, true)] // layer by layer
    [InlineData("relu", 5, false)] // one slice
    public void Gradient_overwrites_stale_values_and_equals_clear_then_backward(string arch, int batch, bool layerPath)
    {
        var (network, theta, x, labels) = SmallTrainingBatch.Create(arch, batch);
        var saved = KernelSettings.Current;
        KernelSettings.Current = saved with { DisableRowParallel = layerPath };
        try
        {
            var tape = network.CreateTape();
            network.Forward(theta, x, labels, tape, ForwardMode.Train);
            var expected = network.CreateParameters();
            network.Backward(theta, tape, expected);

            var grads = network.CreateParameters();
            for (int i = 0; i < grads.Count; i++) grads[i].Span.Fill(float.NaN);
            network.Gradient(theta, tape, grads);
            Assert.Contains(grads.Layout.Entries, e => e.Trainable);
            AssertSameValues(expected, grads);
            Assert.Contains(Enumerable.Range(0, grads.Count), i => grads[i].Span.IndexOfAnyExcept(0f) >= 0);

            // A second step over the same (now non-zero) gradients gives the same values again.
            network.Gradient(theta, tape, grads);
            AssertSameValues(expected, grads);
        }
        finally { KernelSettings.Current = saved; }
    }

    private static void AssertSameValues(ParameterSet<float> expected, ParameterSet<float> actual)
    {
        for (int i = 0; i < actual.Count; i++)
        {
            string name = actual.Layout.Entries[i].Name;
            var got = actual[i].Span;
            var want = expected[i].Span;
            for (int j = 0; j < got.Length; j++)
                Assert.True(got[j] == want[j], $"{name}[{j}]: {got[j]} against {want[j]}"); // +0 and −0 alike
        }
    }
}
