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
