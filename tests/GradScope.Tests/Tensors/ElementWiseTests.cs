using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Tests.Tensors;

/// <summary>Every SIMD element-wise kernel against its scalar reference twin, on both vector tiers.</summary>
public class ElementWiseTests
{
    public static readonly int[] Lengths = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 129, 1000];

    public static TheoryData<int> Tiers() => new() { (int)VectorTier.Vector256, (int)VectorTier.Vector512 };

    private static T[] Random<T>(int n, ulong seed, double scale = 2.0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(seed);
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = T.CreateTruncating(scale * rng.NextGaussian());
        if (n > 3) { a[1] = T.Zero; a[2] = -T.Zero; }
        return a;
    }

    private static void WithTier(VectorTier tier, Action action)
    {
        using var scope = KernelSettings.Use(new KernelSettings(VectorTier: tier));
        action();
    }

    private static void AssertSame<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double relTol, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            if (relTol == 0) Assert.True(e.Equals(a) || e == a, $"{what}[{i}] of {expected.Length}: expected {e:R}, got {a:R}");
            else
                Assert.True(Math.Abs(e - a) <= relTol * Math.Max(1.0, Math.Abs(e)),
                    $"{what}[{i}] of {expected.Length}: expected {e:R}, got {a:R}");
        }
    }

    private static void CheckUnary<T, TOp>(VectorTier tier, TOp op, double tol, string what)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOperator<T>
    {
        foreach (int n in Lengths)
        {
            var x = Random<T>(n, (ulong)n + 1);
            var expected = new T[n]; var actual = new T[n];
            ElementWiseReference.Map(x, expected, op);
            WithTier(tier, () => ElementWise.Map(x, actual, op));
            AssertSame<T>(expected, actual, tol, what);
            WithTier(tier, () => ElementWise.Map(x, x, op)); // in place
            AssertSame<T>(expected, x, tol, what + " in place");
        }
    }

    private static void CheckBinary<T, TOp>(VectorTier tier, TOp op, string what)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOperator<T>
    {
        foreach (int n in Lengths)
        {
            var x = Random<T>(n, (ulong)n + 1); var y = Random<T>(n, (ulong)n + 100);
            var expected = new T[n]; var actual = new T[n];
            ElementWiseReference.Map(x, y, expected, op);
            WithTier(tier, () => ElementWise.Map(x, y, actual, op));
            AssertSame<T>(expected, actual, 0, what);
        }
    }

    private static void CheckTernary<T, TOp>(VectorTier tier, TOp op, string what)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOperator<T>
    {
        foreach (int n in Lengths)
        {
            var x = Random<T>(n, (ulong)n + 1); var y = Random<T>(n, (ulong)n + 100); var z = Random<T>(n, (ulong)n + 200);
            var expected = new T[n]; var actual = new T[n];
            ElementWiseReference.Map(x, y, z, expected, op);
            WithTier(tier, () => ElementWise.Map(x, y, z, actual, op));
            AssertSame<T>(expected, actual, 0, what);
        }
    }

    private static void CheckAll<T>(VectorTier tier) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool isFloat = typeof(T) == typeof(float);
        CheckUnary<T, ActivationForward<T, ReluOperator<T>>>(tier, default, 0, "relu");
        CheckUnary<T, ActivationForward<T, IdentityOperator<T>>>(tier, default, 0, "identity");
        CheckUnary<T, ActivationForward<T, TanhOperator<T>>>(tier, default, isFloat ? 1e-6 : 0, "tanh");
        CheckUnary<T, ActivationForward<T, SeluOperator<T>>>(tier, default, isFloat ? 1e-6 : 0, "selu");
        CheckTernary<T, ActivationBackward<T, ReluOperator<T>>>(tier, default, "relu'");
        CheckTernary<T, ActivationBackward<T, IdentityOperator<T>>>(tier, default, "identity'");
        CheckTernary<T, ActivationBackward<T, TanhOperator<T>>>(tier, default, "tanh'");
        CheckTernary<T, ActivationBackward<T, SeluOperator<T>>>(tier, default, "selu'");
        CheckUnary<T, ScaleOperator<T>>(tier, new(T.CreateTruncating(0.37)), 0, "scale");
        CheckBinary<T, AddOperator<T>>(tier, default, "add");
        CheckBinary<T, AddScaledOperator<T>>(tier, new(T.CreateTruncating(0.37)), "add scaled");
        CheckTernary<T, MultiplyAddOperator<T>>(tier, default, "multiply-add");
        CheckTernary<T, MultiplyOperator3<T>>(tier, default, "multiply3");
        CheckTernary<T, NormalizeOperator<T>>(tier, default, "normalize");
        CheckUnary<T, NormalizeScalarOperator<T>>(tier, new(T.CreateTruncating(0.3), T.CreateTruncating(1.7)), 0, "normalize scalar");
        CheckTernary<T, AffineOperator<T>>(tier, default, "affine");
        CheckTernary<T, BatchNormInputGradient<T>>(tier, new(T.CreateTruncating(1.0 / 7)), "batch-norm dx");
    }

    [Theory, MemberData(nameof(Tiers))]
    public void Operators_match_their_scalar_twins_float(int tier) => CheckAll<float>((VectorTier)tier);

    [Theory, MemberData(nameof(Tiers))]
    public void Operators_match_their_scalar_twins_double(int tier) => CheckAll<double>((VectorTier)tier);

    private static void CheckReductions<T>(VectorTier tier) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int cols in Lengths)
            foreach (int rows in new[] { 0, 1, 3, 17 })
            {
                var m = Random<T>(rows * cols, (ulong)(rows * 1000 + cols));
                var expected = Random<T>(cols, 7); var actual = (T[])expected.Clone();
                ElementWiseReference.AddColumnSums<T>(m, rows, cols, expected);
                WithTier(tier, () => ElementWise.AddColumnSums<T>(m, rows, cols, actual));
                AssertSame<T>(expected, actual, 0, $"column sums {rows}×{cols}");
            }
        foreach (int n in Lengths)
            foreach (int rows in new[] { 1, 3 }) // several rows: each added in turn into the same accumulators
            {
                var x = Random<T>(rows * n, (ulong)(rows * 100 + n) + 3);
                var mean = Random<double>(n, 9);
                var e1 = Random<double>(n, 11); var a1 = (double[])e1.Clone();
                ElementWiseReference.AccumulateWidened<T>(x, e1);
                WithTier(tier, () => ElementWise.AccumulateWidened<T>(x, a1));
                AssertSame<double>(e1, a1, 0, "widened sum");
                var e2 = Random<double>(n, 13); var a2 = (double[])e2.Clone();
                ElementWiseReference.AccumulateSquaredDeviation<T>(x, mean, e2);
                WithTier(tier, () => ElementWise.AccumulateSquaredDeviation<T>(x, mean, a2));
                AssertSame<double>(e2, a2, 0, "squared deviation");
                var bias = Random<T>(n, 17);
                var xe = (T[])x.Clone(); var xa = (T[])x.Clone();
                var e3 = Random<double>(n, 19); var a3 = (double[])e3.Clone();
                ElementWiseReference.AddBiasAndAccumulateWidened<T>(xe, bias, e3);
                WithTier(tier, () => ElementWise.AddBiasAndAccumulateWidened<T>(xa, bias, a3));
                AssertSame<T>(xe, xa, 0, "bias added before the widened sum");
                AssertSame<double>(e3, a3, 0, "widened sum with bias");
            }
    }

    [Theory, MemberData(nameof(Tiers))]
    public void Reductions_match_their_scalar_twins(int t)
    {
        var tier = (VectorTier)t;
        CheckReductions<float>(tier);
        CheckReductions<double>(tier);
    }

    private static void CheckOptimizers<T>(VectorTier tier) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lr = T.CreateTruncating(0.01), b1 = T.CreateTruncating(0.9), b2 = T.CreateTruncating(0.999), eps = T.CreateTruncating(1e-8);
        foreach (int n in Lengths)
        {
            var g = Random<T>(n, (ulong)n + 5);
            T[] Theta() => Random<T>(n, 1);
            T[] State() => Random<T>(n, 2).Select(T.Abs).ToArray();
            var (te, ta) = (Theta(), Theta());
            OptimizerKernels.Sgd<T>(te, g, lr, VectorTier.Scalar); OptimizerKernels.Sgd<T>(ta, g, lr, tier);
            AssertSame<T>(te, ta, 0, "sgd");
            var (ve, va) = (State(), State());
            OptimizerKernels.Momentum<T>(te, g, ve, lr, b1, VectorTier.Scalar); OptimizerKernels.Momentum<T>(ta, g, va, lr, b1, tier);
            AssertSame<T>(te, ta, 0, "momentum θ"); AssertSame<T>(ve, va, 0, "momentum v");
            var (me, ma) = (Random<T>(n, 4), Random<T>(n, 4));
            OptimizerKernels.Adam<T>(te, g, me, ve, b1, b2, lr, T.CreateTruncating(0.3), eps, VectorTier.Scalar);
            OptimizerKernels.Adam<T>(ta, g, ma, va, b1, b2, lr, T.CreateTruncating(0.3), eps, tier);
            AssertSame<T>(te, ta, 0, "adam θ"); AssertSame<T>(me, ma, 0, "adam m"); AssertSame<T>(ve, va, 0, "adam v");
            OptimizerKernels.RmsProp<T>(te, g, ve, lr, b1, eps, VectorTier.Scalar);
            OptimizerKernels.RmsProp<T>(ta, g, va, lr, b1, eps, tier);
            AssertSame<T>(te, ta, 0, "rmsprop θ"); AssertSame<T>(ve, va, 0, "rmsprop v");
        }
    }

    [Theory, MemberData(nameof(Tiers))]
    public void Optimizer_kernels_are_bit_identical_to_the_scalar_rules(int t)
    {
        var tier = (VectorTier)t;
        CheckOptimizers<float>(tier);
        CheckOptimizers<double>(tier);
    }

    [Fact]
    public void Vector_tanh_and_exp_are_accurate_to_1e6_relative()
    {
        double worstTanh = 0, worstExp = 0;
        for (double x = -20; x <= 20; x += 1.0 / 4096)
        {
            float xf = (float)x;
            double t = Math.Tanh(xf);
            double et = Math.Abs(VectorMath.Tanh(xf) - t) / Math.Max(Math.Abs(t), 1e-30);
            if (xf != 0) worstTanh = Math.Max(worstTanh, et);
            double e = Math.Exp(4 * xf);
            worstExp = Math.Max(worstExp, Math.Abs(VectorMath.Exp(4 * xf) - e) / e);
        }
        foreach (float tiny in new[] { 1e-30f, 1e-7f, 3e-4f, 0.624f, 0.626f, -0.625f })
            worstTanh = Math.Max(worstTanh, Math.Abs(VectorMath.Tanh(tiny) - Math.Tanh(tiny)) / Math.Abs(Math.Tanh(tiny)));
        Assert.True(worstTanh < 1e-6, $"tanh relative error {worstTanh:E2}");
        Assert.True(worstExp < 1e-6, $"exp relative error {worstExp:E2}");
        Assert.Equal(1f, VectorMath.Tanh(float.PositiveInfinity));
        Assert.Equal(-1f, VectorMath.Tanh(float.NegativeInfinity));
        Assert.True(float.IsNaN(VectorMath.Tanh(float.NaN)));
    }
}
