using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Tests;

/// <summary>Central finite differences in double precision, the independent reference for every backward pass.</summary>
internal static class GradientCheck
{
    public const double Step = 1e-6;

    public static Matrix<double> RandomMatrix(int rows, int cols, Rng rng, double scale = 1.0)
    {
        var m = new Matrix<double>(rows, cols);
        foreach (ref var v in m.Span) v = scale * rng.NextGaussian();
        return m;
    }

    /// <summary>∂f/∂v for every entry v of <paramref name="values"/>, by central differences.</summary>
    public static double[] Numeric(Span<double> values, Func<double> f)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double saved = values[i];
            values[i] = saved + Step;
            double plus = f();
            values[i] = saved - Step;
            double minus = f();
            values[i] = saved;
            result[i] = (plus - minus) / (2 * Step);
        }
        return result;
    }

    /// <summary>Asserts |a − n| ≤ tol·max(1, |n|) elementwise, with a message naming the first offender.</summary>
    public static void AssertClose(ReadOnlySpan<double> analytic, ReadOnlySpan<double> numeric, double tolerance, string what)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        double scale = 0;
        foreach (var v in numeric) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < numeric.Length; i++)
        {
            double error = Math.Abs(analytic[i] - numeric[i]);
            Assert.True(error <= tolerance * Math.Max(1e-3, scale),
                $"{what}[{i}]: analytic {analytic[i]:G10}, numeric {numeric[i]:G10} (error {error:G3}, scale {scale:G3})");
        }
    }

    public static double Dot(Matrix<double> a, Matrix<double> b)
    {
        double sum = 0;
        var x = a.Span; var y = b.Span;
        for (int i = 0; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }
}
