using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Tests.Layers;

/// <summary>
/// The fused forward row pass of an activation (<see cref="Activation{T, TOp}"/>): bias + f + residual sum. It must give the
/// same bits as the separate passes it replaces (the layer's row forward and the element-wise drivers), on every tier, for
/// every activation, in float and double.
/// </summary>
public class FusedActivationRowsTests
{
    public static TheoryData<ActivationKind, int> Cases()
    {
        var data = new TheoryData<ActivationKind, int>();
        foreach (var kind in Enum.GetValues<ActivationKind>())
            foreach (int tier in ElementWiseTiers.All)
                data.Add(kind, tier);
        return data;
    }

    private const int Rows = 5, Cols = 37; // 37 columns: 16- and 8-lane float parts and a scalar tail

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_with_bias_and_residual_equals_the_separate_passes(ActivationKind kind, int tier)
    {
        using var scope = KernelSettings.Use(ElementWiseTiers.Settings(tier));
        CheckForward<float>(kind);
        CheckForward<double>(kind);
    }

    private static void CheckForward<T>(ActivationKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var act = ActivationFactory.Create<T>(kind, "act", Cols);
        var rng = new Rng(7);
        var z = Random<T>(Rows, Cols, rng);
        var skip = Random<T>(Rows, Cols, rng);
        var bias = Random<T>(1, Cols, rng).Span.ToArray();
        T w = T.CreateChecked(0.37);

        // Separate passes, row by row (float tanh and selu take a vector approximation except in a row's scalar tail):
        // z += bias, y = f(z), sum = skip + w·y.
        var zRef = z.Clone();
        var yRef = new Matrix<T>(Rows, Cols);
        var sumRef = new Matrix<T>(Rows, Cols);
        for (int r = 0; r < Rows; r++)
        {
            ElementWise.Map(zRef.Row(r), bias, zRef.Row(r), default(AddOperator<T>));
            act.ForwardRows(null!, zRef.Row(r), yRef.Row(r), 1);
            ElementWise.Map(skip.Row(r), yRef.Row(r), sumRef.Row(r), new AddScaledOperator<T>(w));
        }

        var zF = z.Clone();
        var yF = new Matrix<T>(Rows, Cols);
        var sumF = new Matrix<T>(Rows, Cols);
        act.ForwardRowsWithBias(bias, zF.Span, yF.Span, Rows, skip.Span, w, sumF.Span);
        AssertSameBits(zRef, zF);
        AssertSameBits(yRef, yF);
        AssertSameBits(sumRef, sumF);

        // Without bias and residual: y = f(z) and z left alone.
        var zN = z.Clone();
        var yN = new Matrix<T>(Rows, Cols);
        act.ForwardRowsWithBias(default, zN.Span, yN.Span, Rows, default, w, default);
        var yNRef = new Matrix<T>(Rows, Cols);
        for (int r = 0; r < Rows; r++) act.ForwardRows(null!, z.Row(r), yNRef.Row(r), 1);
        AssertSameBits(z, zN);
        AssertSameBits(yNRef, yN);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Normalisation_with_activation_and_residual_equals_the_separate_passes(ActivationKind kind, int tier)
    {
        using var scope = KernelSettings.Use(ElementWiseTiers.Settings(tier));
        CheckAfterNormalize<float>(kind);
        CheckAfterNormalize<double>(kind);
    }

    [Fact]
    public void Only_activations_with_exact_vectors_and_derivatives_from_the_output_follow_a_fused_normalisation()
    {
        Assert.True(ActivationFactory.Create<float>(ActivationKind.Relu, "a", Cols).FusesAfterNormalize);
        Assert.True(ActivationFactory.Create<float>(ActivationKind.Linear, "a", Cols).FusesAfterNormalize);
        // float tanh and selu take a vector approximation (a row's split would change bits); selu's f′ needs its input.
        Assert.False(ActivationFactory.Create<float>(ActivationKind.Tanh, "a", Cols).FusesAfterNormalize);
        Assert.False(ActivationFactory.Create<float>(ActivationKind.Selu, "a", Cols).FusesAfterNormalize);
    }

    /// <summary>The batch norm's normalisation pass, then the activation's row forward over the whole slice and the residual
    /// sum (the phased training program without fusion) against one fused pass that writes x̂ over its input.</summary>
    private static void CheckAfterNormalize<T>(ActivationKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var act = ActivationFactory.Create<T>(kind, "act", Cols);
        if (!act.FusesAfterNormalize) return;
        var layout = new ParameterLayout();
        var norm = new BatchNorm<T>("bn", Cols, layout);
        var theta = new ParameterSet<T>(layout);
        var rng = new Rng(11);
        foreach (ref var v in theta[norm.GainIndex].Span) v = T.CreateChecked(1 + 0.3 * rng.NextGaussian());
        foreach (ref var v in theta[norm.BiasIndex].Span) v = T.CreateChecked(0.3 * rng.NextGaussian());
        var cache = (BatchNorm<T>.Cache)norm.CreateCache();
        norm.PrepareRows(cache, Rows);
        foreach (ref var v in cache.InverseStd.Span) v = T.CreateChecked(0.5 + rng.NextDouble());
        var mean = Random<T>(1, Cols, rng).Span.ToArray();
        var x = Random<T>(Rows, Cols, rng);
        var skip = Random<T>(Rows, Cols, rng);
        T w = T.CreateChecked(0.37);

        // The separate passes through the element-wise drivers, row by row: x̂, γ·x̂ + β, f, skip + w·f.
        var xhatRef = new Matrix<T>(Rows, Cols);
        var normalized = new Matrix<T>(Rows, Cols);
        var a = new Matrix<T>(Rows, Cols);
        var sum = new Matrix<T>(Rows, Cols);
        var invStd = cache.InverseStd.Span.ToArray();
        for (int r = 0; r < Rows; r++)
        {
            ElementWise.Map(x.Row(r), mean, invStd, xhatRef.Row(r), default(NormalizeOperator<T>));
            ElementWise.Map(xhatRef.Row(r), theta[norm.GainIndex].Span, theta[norm.BiasIndex].Span, normalized.Row(r),
                default(AffineOperator<T>));
            act.ForwardRows(null!, normalized.Row(r), a.Row(r), 1);
            ElementWise.Map(skip.Row(r), a.Row(r), sum.Row(r), new AddScaledOperator<T>(w));
        }
        var aRes = a;

        // The batch norm's own pass (f = identity) gives x̂ and γ·x̂ + β of the drivers too.
        var own = new Matrix<T>(Rows, Cols);
        norm.NormalizeSlice(theta, x.Span, own.Span, Rows, cache, 0, mean);
        AssertSameBits(xhatRef, cache.Normalized);
        AssertSameBits(normalized, own);

        var inPlace = x.Clone();
        cache.KeepNormalizedIn(inPlace);
        var aF = new Matrix<T>(Rows, Cols);
        norm.NormalizeSliceInto(act, theta, inPlace.Span, aF.Span, Rows, cache, 0, mean, default, T.Zero, default);
        AssertSameBits(xhatRef, inPlace);
        Assert.Same(inPlace, cache.Normalized);
        AssertSameBits(a, aF);

        var inPlaceRes = x.Clone();
        cache.KeepNormalizedIn(inPlaceRes);
        var aFRes = new Matrix<T>(Rows, Cols);
        var sumF = new Matrix<T>(Rows, Cols);
        norm.NormalizeSliceInto(act, theta, inPlaceRes.Span, aFRes.Span, Rows, cache, 0, mean, skip.Span, w, sumF.Span);
        AssertSameBits(xhatRef, inPlaceRes);
        AssertSameBits(aRes, aFRes);
        AssertSameBits(sum, sumF);
    }

    private static Matrix<T> Random<T>(int rows, int cols, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new Matrix<T>(rows, cols);
        foreach (ref var v in m.Span) v = T.CreateChecked(rng.NextGaussian());
        return m;
    }

    private static void AssertSameBits<T>(Matrix<T> expected, Matrix<T> actual) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Cols, actual.Cols);
        for (int i = 0; i < expected.Span.Length; i++)
            Assert.True(Bits(expected.Span[i]) == Bits(actual.Span[i]), $"element {i}: {expected.Span[i]} vs {actual.Span[i]}");
    }

    private static long Bits<T>(T v) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits(float.CreateTruncating(v))
        : BitConverter.DoubleToInt64Bits(double.CreateTruncating(v));
}
