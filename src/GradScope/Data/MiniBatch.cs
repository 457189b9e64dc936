using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// One mini-batch as views of the batcher's reusable buffers: valid only until the batcher
/// produces the next batch. <see cref="Inputs"/> is Count × Features and <see cref="Labels"/> has
/// exactly Count entries.
/// </summary>
public readonly record struct MiniBatch(int Epoch, int Index, Matrix<float> Inputs, int[] Labels)
{
    public int Count => Labels.Length;
}
