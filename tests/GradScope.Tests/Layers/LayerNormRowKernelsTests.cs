using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Tests.Layers;

/// <summary>
/// Layer norm's row loops (normalise + affine in one pass, dγ and dβ in one pass over column strips) give the same bits at
/// every tier as at the scalar tier, whose loops are their reference, in the row-sliced and the layer-by-layer passes.
/// </summary>
public class LayerNormRowKernelsTests
{
    // 109 floats = 4 + 2 strips of 16 lanes, one of 8, a 128-bit tail of 4 and a scalar: every column-strip path of the
    // gradient sums; in double 3 × 4 strips of 8, one of 4, 2 and a scalar.
    private const int Rows = 5, Dim = 109;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Row_passes_agree_with_the_scalar_tier_to_the_bit(bool overwrite)
    {
        Check<float>(overwrite);
        Check<double>(overwrite);
    }

    private static void Check<T>(bool overwrite) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scalar = Run<T>(new KernelSettings(ForceScalar: true), overwrite);
        var tiers = new[] { new KernelSettings(VectorTier: VectorTier.Vector256), new KernelSettings(VectorTier: ElementWise.Detected) };
        foreach (var settings in tiers)
        {
            var vector = Run<T>(settings, overwrite);
            for (int k = 0; k < scalar.Length; k++) AssertSameBits(scalar[k], vector[k], $"{typeof(T).Name} output {k}");
        }
        // The kernels computed something: dβ is Σ_rows dy (plus the starting values unless overwritten), within rounding.
        var dy = Inputs<T>().Dy;
        var start = Inputs<T>().Start;
        for (int j = 0; j < Dim; j++)
        {
            double expected = overwrite ? 0 : double.CreateTruncating(start[j]);
            for (int r = 0; r < Rows; r++) expected += double.CreateTruncating(dy[r * Dim + j]);
            Assert.Equal(expected, double.CreateTruncating(scalar[4][j]), 1e-4);
        }
    }

    private static (T[] X, T[] Dy, T[] Start) Inputs<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(21);
        T[] Draw(int n) => Enumerable.Range(0, n).Select(_ => T.CreateChecked(rng.NextGaussian())).ToArray();
        return (Draw(Rows * Dim), Draw(Rows * Dim), Draw(Dim));
    }

    /// <summary>Row forward and backward of a layer norm with random γ, β; returns y, x̂, dx, dγ, dβ, and the layer-by-layer
    /// forward's y.</summary>
    private static T[][] Run<T>(KernelSettings settings, bool overwrite) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var scope = KernelSettings.Use(settings);
        var layout = new ParameterLayout();
        var norm = new LayerNorm<T>("n", Dim, layout);
        var theta = new ParameterSet<T>(layout);
        var rng = new Rng(5);
        foreach (ref var v in theta[norm.GainIndex].Span) v = T.CreateChecked(1 + 0.3 * rng.NextGaussian());
        foreach (ref var v in theta[norm.BiasIndex].Span) v = T.CreateChecked(0.3 * rng.NextGaussian());
        var (x, dy, start) = Inputs<T>();
        var cache = norm.CreateCache();
        norm.PrepareRows(cache, Rows);
        var y = new T[Rows * Dim];
        norm.ForwardRows(theta, x, y, Rows, cache, 0);
        var xhat = ((LayerNorm<T>.Cache)cache).Normalized.Span.ToArray();
        var grads = new ParameterSet<T>(layout);
        start.CopyTo(grads[norm.GainIndex].Span);
        start.CopyTo(grads[norm.BiasIndex].Span);
        var dx = new T[Rows * Dim];
        norm.BackwardRows(theta, x, y, dy, dx, Rows, grads, overwrite, cache, 0);
        var layerY = new Matrix<T>(0, 0);
        norm.Forward(theta, new Matrix<T>(Rows, Dim, (T[])x.Clone()), layerY, norm.CreateCache(), ForwardMode.Train);
        return [y, xhat, dx, grads[norm.GainIndex].Span.ToArray(), grads[norm.BiasIndex].Span.ToArray(), layerY.Span.ToArray()];
    }

    private static void AssertSameBits<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Bits(expected[i]) == Bits(actual[i]), $"{what}, element {i}: {expected[i]} vs {actual[i]}");
    }

    // float → double is exact, so the double's bits tell the float's apart (signed zeros included).
    private static long Bits<T>(T v) where T : unmanaged, IFloatingPointIeee754<T> =>
        BitConverter.DoubleToInt64Bits(double.CreateTruncating(v));
}
