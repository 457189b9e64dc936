using System.Numerics;
using GradScope.Limits;
using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// Standard normal inputs, the paper's probe for metrics of the network at initialisation: they need
/// no files and carry no structure the network could have learned.
/// </summary>
public static class GaussianNoise
{
    /// <summary>
    /// A <paramref name="rows"/> × <paramref name="cols"/> matrix of independent N(0, 1) entries, fixed
    /// by <paramref name="seed"/>. float and double matrices from the same seed agree up to rounding.
    /// </summary>
    public static Matrix<T> Sample<T>(int rows, int cols, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Counted in 64 bits before allocating: --noise 400000000 must say how much it needs, not overflow an int.
        MemoryBudget.Require(MemoryBudget.Product(rows, cols, System.Runtime.CompilerServices.Unsafe.SizeOf<T>()),
            $"{rows:N0} × {cols:N0} Gaussian-noise inputs");
        var m = new Matrix<T>(rows, cols);
        var rng = Rng.ForStream(seed, InputsStream);
        var span = m.Span;
        for (int i = 0; i < span.Length; i++) span[i] = T.CreateTruncating(rng.NextGaussian());
        return m;
    }

    /// <summary>
    /// A dataset of <paramref name="count"/> noise vectors with labels drawn uniformly from
    /// [0, <paramref name="classes"/>) on a separate stream (so the inputs do not depend on whether
    /// labels are used). With <paramref name="randomLabels"/> false every label is 0.
    /// </summary>
    public static Dataset Create(int count, int features, ulong seed, int classes = 10, bool randomLabels = true)
    {
        var inputs = Sample<float>(count, features, seed);
        var labels = new int[count];
        if (randomLabels)
        {
            var rng = Rng.ForStream(seed, LabelsStream);
            for (int i = 0; i < labels.Length; i++) labels[i] = rng.NextInt(classes);
        }
        return new Dataset($"gaussian-noise(seed {seed})", inputs, labels, classes);
    }

    // Stream labels distinct from the mini-batcher's small epoch numbers.
    private const ulong InputsStream = 0x4E4F_4953_455FUL; // "NOISE_"
    private const ulong LabelsStream = 0x4E4F_4953_454CUL; // "NOISEL"
}
