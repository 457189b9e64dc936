using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>Double-precision reductions and small statistics used by every diagnostic (SPEC §2: all metric arithmetic in double).</summary>
public static class DiagMath
{
    /// <summary>Σ v² accumulated in double whatever T is.</summary>
    public static double SumSquares<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return SumSquaresDouble(MemoryMarshal.Cast<T, double>(values));
        if (typeof(T) == typeof(float)) return SumSquaresFloat(MemoryMarshal.Cast<T, float>(values));
        double s = 0;
        foreach (var v in values) { double d = double.CreateTruncating(v); s += d * d; }
        return s;
    }

    /// <summary>Σ a·b accumulated in double.</summary>
    public static double Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length != b.Length) throw new ArgumentException("Lengths differ.");
        if (typeof(T) == typeof(double))
        {
            var x = MemoryMarshal.Cast<T, double>(a); var y = MemoryMarshal.Cast<T, double>(b);
            int w = Vector<double>.Count, i = 0;
            var acc = Vector<double>.Zero;
            for (; i <= x.Length - w; i += w) acc += new Vector<double>(x.Slice(i, w)) * new Vector<double>(y.Slice(i, w));
            double s = Vector.Sum(acc);
            for (; i < x.Length; i++) s += x[i] * y[i];
            return s;
        }
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += double.CreateTruncating(a[i]) * double.CreateTruncating(b[i]);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call (a profile's norms)
    private static double SumSquaresDouble(ReadOnlySpan<double> x)
    {
        var a0 = Vector<double>.Zero; var a1 = Vector<double>.Zero;
        int i = AddSquarePairs(x, ref a0, ref a1);
        double s = Vector.Sum(a0 + a1);
        for (; i < x.Length; i++) s += x[i] * x[i];
        return s;
    }

    /// <summary>Adds the squares of x's whole pairs of vectors to two accumulators (<see cref="SumSquares{T}"/>'s loop for double,
    /// also <see cref="SquareSums"/>'); returns how many elements it took.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int AddSquarePairs(ReadOnlySpan<double> x, ref Vector<double> a0, ref Vector<double> a1)
    {
        int w = Vector<double>.Count, i = 0;
        var s0 = a0; var s1 = a1; // in registers: the loop would otherwise go through the references every iteration
        for (; i <= x.Length - 2 * w; i += 2 * w)
        {
            var v0 = new Vector<double>(x.Slice(i, w)); var v1 = new Vector<double>(x.Slice(i + w, w));
            s0 += v0 * v0; s1 += v1 * v1;
        }
        a0 = s0; a1 = s1;
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumSquaresFloat(ReadOnlySpan<float> x)
    {
        int w = Vector<float>.Count, i = 0;
        var a0 = Vector<double>.Zero; var a1 = Vector<double>.Zero;
        for (; i <= x.Length - w; i += w)
        {
            Vector.Widen(new Vector<float>(x.Slice(i, w)), out var lo, out var hi);
            a0 += lo * lo; a1 += hi * hi;
        }
        double s = Vector.Sum(a0 + a1);
        for (; i < x.Length; i++) s += (double)x[i] * x[i];
        return s;
    }

    /// <summary>Frobenius norm of a whole matrix, in double.</summary>
    public static double Norm<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T> => Math.Sqrt(SumSquares<T>(m.Span));

    /// <summary>log(e^a + e^b) without overflow; −∞ is the neutral element.</summary>
    public static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        double m = Math.Max(a, b);
        return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
    }

    /// <summary>Ordinary least squares y ≈ a + b·x with the coefficient of determination.</summary>
    /// <remarks>R² is 1 when y has (numerically) no variance and the fit reproduces it, NaN with fewer than two distinct x.</remarks>
    public static (double Intercept, double Slope, double R2) LinearFit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        if (n != y.Count) throw new ArgumentException("x and y differ in length.");
        if (n == 0) return (double.NaN, double.NaN, double.NaN);
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n; my /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
        }
        if (sxx == 0) return (my, double.NaN, double.NaN);
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double ssRes = 0;
        for (int i = 0; i < n; i++)
        {
            double r = y[i] - intercept - slope * x[i];
            ssRes += r * r;
        }
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(y[i]));
        // A profile that is flat up to rounding has no variance to explain: call the fit perfect.
        double r2 = syy <= 1e-24 * Math.Max(1.0, scale * scale) * n ? 1.0 : Math.Clamp(1 - ssRes / syy, double.NegativeInfinity, 1.0);
        return (intercept, slope, r2);
    }

    /// <summary>A matrix of independent standard normal deviates.</summary>
    public static void FillGaussian<T>(Span<T> target, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            rng.FillGaussian(MemoryMarshal.Cast<T, double>(target));
            return;
        }
        for (int i = 0; i < target.Length; i++) target[i] = T.CreateTruncating(rng.NextGaussian());
    }
}

/// <summary>
/// Σ x² of a sequence of doubles fed in pieces, with the bits of <see cref="DiagMath.SumSquares{T}"/> over the whole sequence at
/// once: whole pairs of vectors go to the same two accumulators in the same order, a piece's last few values wait for the next
/// piece, and what is left at the end is added one by one after the accumulators, as there.
/// </summary>
internal sealed class SquareSums
{
    private static readonly int Pair = 2 * Vector<double>.Count;
    private Vector<double> _a0, _a1;
    private readonly double[] _pending = new double[Pair];
    private int _pendingCount;

    public void Add(ReadOnlySpan<double> x)
    {
        if (_pendingCount > 0)
        {
            int take = Math.Min(Pair - _pendingCount, x.Length);
            x[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            x = x[take..];
            if (_pendingCount < Pair) return;
            DiagMath.AddSquarePairs(_pending, ref _a0, ref _a1);
            _pendingCount = 0;
        }
        int used = DiagMath.AddSquarePairs(x, ref _a0, ref _a1);
        x[used..].CopyTo(_pending);
        _pendingCount = x.Length - used;
    }

    public double Total
    {
        get
        {
            double s = Vector.Sum(_a0 + _a1);
            for (int i = 0; i < _pendingCount; i++) s += _pending[i] * _pending[i];
            return s;
        }
    }
}
