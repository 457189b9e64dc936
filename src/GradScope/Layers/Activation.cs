using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>Element-wise nonlinearity y = f(z); backward dz = dy ⊙ f′(z).</summary>
public sealed partial class Activation<T, TOp> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOp : struct, IActivationOperator<T>
{
    public Activation(string name, int dim) : base(name, dim, dim) { }

    public override bool IsNonlinearity => true;

    public override void Forward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache, ForwardMode mode)
    {
        y.Resize(x.Rows, x.Cols);
        ElementWise.Map(x.Span, y.Span, default(ActivationForward<T, TOp>));
    }

    public override void Backward(ParameterSet<T> theta, Matrix<T> x, Matrix<T> y, LayerCache<T> cache,
        Matrix<T> dy, Matrix<T>? dx, ParameterSet<T>? grads)
    {
        if (dx is null) return;
        int cotangents = CotangentCount(dy, x);
        dx.Resize(dy.Rows, dy.Cols);
        // f′ from the output when it follows from it, as in the row passes: a training pass may leave a normalisation
        // layer's output (this layer's input) unwritten when this layer comes after it.
        var fz = y.Span;
        var z = TOp.DerivativeFromOutput ? fz : x.Span;
        int block = z.Length;
        for (int c = 0; c < cotangents; c++)
        {
            var g = dy.Span.Slice(c * block, block);
            var d = dx.Span.Slice(c * block, block);
            ElementWise.Map<T, ActivationBackward<T, TOp>>(g, z, fz, d, default);
        }
    }

    internal override bool RowLocal => true;

    internal override void ForwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, Span<T> y, int rows) =>
        ElementWise.Map(x, y, default(ActivationForward<T, TOp>));

    internal override void BackwardRows(ParameterSet<T> theta, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx,
        int rows, ParameterSet<T> grads, bool overwrite)
    {
        // The input x is the pre-activation in the tape; when f′ follows from y alone, leave it unread (y was or is
        // about to be read for the previous layer's weight gradient, so it is the stream already in cache).
        if (!dx.IsEmpty) ElementWise.Map<T, ActivationBackward<T, TOp>>(dy, TOp.DerivativeFromOutput ? y : x, y, dx, default);
    }

    internal override bool HasColumnSumBackward => true;

    /// <summary>
    /// The backward of one cotangent (dx = dy ⊙ f′) with the column sums a batch norm before this layer needs, in one pass
    /// instead of three. Same arithmetic as <see cref="Backward"/> followed by the sums of <see cref="BatchNorm{T}.Backward"/>
    /// (Σ dx and Σ dx ⊙ h added row after row, unfused products); the scalar path is its reference.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void BackwardWithColumnSums(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows,
        ReadOnlySpan<T> h, Span<T> sumDx, Span<T> sumDxH)
    {
        int cols = InputDim;
        if (dy.Length < rows * cols || dx.Length < rows * cols || h.Length < rows * cols || sumDx.Length != cols || sumDxH.Length != cols)
            throw new ArgumentException("Backward-with-sums operands do not match.");
        // f′ from the output alone reads one stream of the tape instead of two (relu).
        ReadOnlySpan<T> z = TOp.DerivativeFromOutput ? y : x;
        VectorTier tier = TOp.VectorizedDerivative ? ElementWise.TierFor<T>() : VectorTier.Scalar;
        ref T zs = ref MemoryMarshal.GetReference(z);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T gs = ref MemoryMarshal.GetReference(dy);
        ref T ds = ref MemoryMarshal.GetReference(dx);
        ref T hs = ref MemoryMarshal.GetReference(h);
        ref T sg = ref MemoryMarshal.GetReference(sumDx);
        ref T sgh = ref MemoryMarshal.GetReference(sumDxH);
        // Row by row, the sums in L1 (column strips with the sums in registers measured slower: strided rows).
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols);
            int j = 0;
            if (tier == VectorTier.Vector512)
                for (; j <= cols - Vector512<T>.Count; j += Vector512<T>.Count)
                {
                    nuint i = o + (nuint)j;
                    var f = TOp.Derivative(Vector512.LoadUnsafe(ref zs, i), Vector512.LoadUnsafe(ref ys, i));
                    var d = Vector512.LoadUnsafe(ref gs, i) * f;
                    d.StoreUnsafe(ref ds, i);
                    (Vector512.LoadUnsafe(ref sg, (nuint)j) + d).StoreUnsafe(ref sg, (nuint)j);
                    (Vector512.LoadUnsafe(ref sgh, (nuint)j) + d * Vector512.LoadUnsafe(ref hs, i)).StoreUnsafe(ref sgh, (nuint)j);
                }
            if (tier >= VectorTier.Vector256)
                for (; j <= cols - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    nuint i = o + (nuint)j;
                    var f = TOp.Derivative(Vector256.LoadUnsafe(ref zs, i), Vector256.LoadUnsafe(ref ys, i));
                    var d = Vector256.LoadUnsafe(ref gs, i) * f;
                    d.StoreUnsafe(ref ds, i);
                    (Vector256.LoadUnsafe(ref sg, (nuint)j) + d).StoreUnsafe(ref sg, (nuint)j);
                    (Vector256.LoadUnsafe(ref sgh, (nuint)j) + d * Vector256.LoadUnsafe(ref hs, i)).StoreUnsafe(ref sgh, (nuint)j);
                }
            if (tier >= VectorTier.Vector256 && cols - j >= Vector128<T>.Count)
            {
                // A 4-float tail (width 100) in the lower half of a 256-bit vector: relu's scalar f′ is a mispredicted branch.
                nuint i = o + (nuint)j;
                var f = TOp.Derivative(Vector128.LoadUnsafe(ref zs, i).ToVector256(), Vector128.LoadUnsafe(ref ys, i).ToVector256());
                var d = Vector128.LoadUnsafe(ref gs, i) * f.GetLower();
                d.StoreUnsafe(ref ds, i);
                (Vector128.LoadUnsafe(ref sg, (nuint)j) + d).StoreUnsafe(ref sg, (nuint)j);
                (Vector128.LoadUnsafe(ref sgh, (nuint)j) + d * Vector128.LoadUnsafe(ref hs, i)).StoreUnsafe(ref sgh, (nuint)j);
                j += Vector128<T>.Count;
            }
            for (; j < cols; j++) // scalar remainder
            {
                nuint i = o + (nuint)j;
                T d = Unsafe.Add(ref gs, i) * TOp.Derivative(Unsafe.Add(ref zs, i), Unsafe.Add(ref ys, i));
                Unsafe.Add(ref ds, i) = d;
                Unsafe.Add(ref sg, j) += d;
                Unsafe.Add(ref sgh, j) += d * Unsafe.Add(ref hs, i);
            }
        }
    }

    public override string Describe() => $"{TOp.Name}";
}

public static class ActivationFactory
{
    public static Layer<T> Create<T>(ActivationKind kind, string name, int dim) where T : unmanaged, IFloatingPointIeee754<T> =>
        kind switch
        {
            ActivationKind.Relu => new Activation<T, ReluOperator<T>>(name, dim),
            ActivationKind.Tanh => new Activation<T, TanhOperator<T>>(name, dim),
            ActivationKind.Selu => new Activation<T, SeluOperator<T>>(name, dim),
            ActivationKind.Linear => new Activation<T, IdentityOperator<T>>(name, dim),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
}
