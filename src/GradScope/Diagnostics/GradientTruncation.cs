using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>
/// The λ-groups of the residual trick read as a truncated expansion of the actual gradient g = Σ_λ g_λ (issue 10, SPEC §7):
/// <c>RelativeError[d] = ‖Σ_{λ&gt;d} g_λ‖ / ‖g‖</c> is how far the gradient carried only by paths through at most d residual
/// functions is from the true one, and the effective depth is the smallest d with RelativeError[d] ≤ τ.
/// <para>
/// Unlike SPEC §2.5's share of Σ_λ ‖g_λ‖, this measures the groups by what they add to the gradient: when the residual
/// Jacobians are as large as the initial ones the groups grow like binomial coefficients and cancel (Σ‖g_λ‖/‖g‖ up to
/// 1e11 on batch-relu), and a share of their norms then says where the binomial peaks (≈ L/2), not which paths matter.
/// </para>
/// </summary>
/// <param name="RelativeError">‖Σ_{λ&gt;d} g_λ‖ / ‖Σ_λ g_λ‖ for d = 0 … L (0 from the last carried λ on).</param>
/// <param name="Cancellation">Σ_λ ‖g_λ‖ / ‖Σ_λ g_λ‖ (1 when no group cancels another).</param>
/// <param name="EffectiveDepth">Smallest d with RelativeError[d] ≤ τ.</param>
public sealed record GradientTruncation(IReadOnlyList<double> RelativeError, double Cancellation, int EffectiveDepth)
{
    /// <summary>From the stacked group cotangents g (count·B rows, group λ in rows λ·B …) at the network input.</summary>
    public static GradientTruncation Of<T>(Matrix<T> g, int batch, int blocks, double tau) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = g.Rows / batch;
        int segment = batch * g.Cols;
        var groupSquares = new double[count];
        var total = new double[segment];
        for (int l = 0; l < count; l++)
        {
            var group = g.Span.Slice(l * segment, segment);
            groupSquares[l] = DiagMath.SumSquares<T>(group);
            AddTo(total, group);
        }
        double totalSquares = DiagMath.SumSquares<double>(total);
        var tailSquares = new double[blocks + 1];
        // tail = Σ_{λ>d} g_λ, built from the top group down.
        var tail = new double[segment];
        for (int d = blocks; d >= 0; d--)
        {
            tailSquares[d] = DiagMath.SumSquares<double>(tail);
            if (d < count) AddTo(tail, g.Span.Slice(d * segment, segment));
        }
        return FromSquares(groupSquares, totalSquares, tailSquares, tau);
    }

    /// <summary>From the sums of squares of the groups (‖g_λ‖², λ = 0 … count − 1), of their total (‖Σ_λ g_λ‖²) and of the
    /// tails (‖Σ_{λ&gt;d} g_λ‖², d = 0 … L): <see cref="Of{T}"/>'s second half, also used where the groups are never held
    /// whole (<see cref="LambdaInputBlock{T}"/>).</summary>
    internal static GradientTruncation FromSquares(IReadOnlyList<double> groupSquares, double totalSquares,
        IReadOnlyList<double> tailSquares, double tau)
    {
        int blocks = tailSquares.Count - 1;
        double sumOfNorms = 0;
        foreach (double squares in groupSquares) sumOfNorms += Math.Sqrt(squares);
        double totalNorm = Math.Sqrt(totalSquares);
        var errors = new double[blocks + 1];
        for (int d = blocks; d >= 0; d--) errors[d] = totalNorm > 0 ? Math.Sqrt(tailSquares[d]) / totalNorm : 0;
        int depth = 0;
        while (depth < blocks && errors[depth] > tau) depth++;
        return new GradientTruncation(errors, totalNorm > 0 ? sumOfNorms / totalNorm : 1, depth);
    }

    /// <summary>sum[i] += values[i] in double, element by element (vector lanes add each element alone: the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddTo<T>(Span<double> sum, ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (typeof(T) == typeof(double))
        {
            var x = MemoryMarshal.Cast<T, double>(values);
            int w = Vector<double>.Count;
            for (; i <= sum.Length - w; i += w)
                (new Vector<double>(sum.Slice(i, w)) + new Vector<double>(x.Slice(i, w))).CopyTo(sum.Slice(i, w));
        }
        for (; i < sum.Length; i++) sum[i] += double.CreateTruncating(values[i]);
    }
}
