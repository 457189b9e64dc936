using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// Batch norm's element-wise row loops: the normalisation pass (with a following activation and a residual sum folded in)
/// and the input gradient of the backward, each one loop over rows. Per element they do the operators' arithmetic in the
/// same order as separate passes, with the operators' scalar twins in each row's tail and, at the scalar tier, everywhere,
/// so every tier gives the same bits.
/// </summary>
public sealed partial class BatchNorm<T>
{
    /// <summary>x̂ = (x − μ)·s and y = γ·x̂ + β row by row.</summary>
    private static void NormalizeRows(Matrix<T> x, Matrix<T> xhat, Matrix<T> y, ReadOnlySpan<T> mean, ReadOnlySpan<T> invStd,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta) =>
        NormalizeRows(x.Span, xhat.Span, y.Span, x.Rows, mean, invStd, gamma, beta);

    /// <summary>x̂ = (x − μ)·s and y = γ·x̂ + β for <paramref name="rows"/> dense rows in one loop.</summary>
    private static void NormalizeRows(ReadOnlySpan<T> x, Span<T> xhat, Span<T> y, int rows, ReadOnlySpan<T> mean, ReadOnlySpan<T> invStd,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta) =>
        NormalizeRows<IdentityOperator<T>>(x, xhat, y, rows, new NormalizeRowArgs<T>(mean, invStd, gamma, beta), default, T.Zero, default);

    /// <summary>
    /// The normalisation pass, row by row: x̂ = (x − μ)·s, y = f(γ·x̂ + β) and, when <paramref name="sum"/> is not empty,
    /// sum = skip + w·y — per element the operations of <see cref="NormalizeOperator{T}"/>, <see cref="AffineOperator{T}"/>
    /// and f in the order of separate passes (whose scalar twins take each row's tail and, at the scalar tier, the whole
    /// row), so every tier gives the same bits; f = identity is the batch norm alone, another f a following activation
    /// (<see cref="Layer{T}.ForwardRowsAfterNormalize"/>). <paramref name="xhat"/> may be <paramref name="x"/> itself (each
    /// element is read before it is overwritten).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void NormalizeRows<TOp>(ReadOnlySpan<T> x, Span<T> xhat, Span<T> y, int rows, in NormalizeRowArgs<T> norm,
        ReadOnlySpan<T> skip, T weight, Span<T> sum) where TOp : struct, IActivationOperator<T>
    {
        int cols = norm.Mean.Length, n = rows * cols;
        bool residual = !sum.IsEmpty;
        if (x.Length < n || xhat.Length < n || y.Length < n || norm.InverseStd.Length != cols || norm.Gain.Length != cols
            || norm.Shift.Length != cols || (residual && (skip.Length < n || sum.Length < n)))
            throw new ArgumentException("Normalisation operands do not match.");
        VectorTier tier = ElementWise.TierFor<T>();
        if (!TOp.ExactVectorApply) tier = VectorTier.Scalar; // its vector f would not give the separate pass's bits
        ref T mu = ref MemoryMarshal.GetReference(norm.Mean);
        ref T sc = ref MemoryMarshal.GetReference(norm.InverseStd);
        ref T ga = ref MemoryMarshal.GetReference(norm.Gain);
        ref T be = ref MemoryMarshal.GetReference(norm.Shift);
        var normalize = default(NormalizeOperator<T>);
        var affine = default(AffineOperator<T>);
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols);
            ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), o);
            ref T hr = ref Unsafe.Add(ref MemoryMarshal.GetReference(xhat), o);
            ref T yr = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), o);
            ref T kr = ref residual ? ref Unsafe.Add(ref MemoryMarshal.GetReference(skip), o) : ref yr;
            ref T sr = ref residual ? ref Unsafe.Add(ref MemoryMarshal.GetReference(sum), o) : ref yr;
            int j = 0;
            if (tier == VectorTier.Vector512)
                for (; j <= cols - Vector512<T>.Count; j += Vector512<T>.Count)
                {
                    nuint i = (nuint)j;
                    var h = normalize.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref mu, i),
                        Vector512.LoadUnsafe(ref sc, i));
                    h.StoreUnsafe(ref hr, i);
                    var a = TOp.Apply(affine.Invoke(h, Vector512.LoadUnsafe(ref ga, i), Vector512.LoadUnsafe(ref be, i)));
                    a.StoreUnsafe(ref yr, i);
                    if (residual) (Vector512.LoadUnsafe(ref kr, i) + Vector512.Create(weight) * a).StoreUnsafe(ref sr, i);
                }
            if (tier >= VectorTier.Vector256)
                for (; j <= cols - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    nuint i = (nuint)j;
                    var h = normalize.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref mu, i),
                        Vector256.LoadUnsafe(ref sc, i));
                    h.StoreUnsafe(ref hr, i);
                    var a = TOp.Apply(affine.Invoke(h, Vector256.LoadUnsafe(ref ga, i), Vector256.LoadUnsafe(ref be, i)));
                    a.StoreUnsafe(ref yr, i);
                    if (residual) (Vector256.LoadUnsafe(ref kr, i) + Vector256.Create(weight) * a).StoreUnsafe(ref sr, i);
                }
            if (tier >= VectorTier.Vector256 && cols - j >= Vector128<T>.Count)
            {
                // A 4-float tail (width 100) in the lower half of a 256-bit vector: relu's scalar f is a mispredicted branch.
                nuint i = (nuint)j;
                var h = normalize.Invoke(Vector128.LoadUnsafe(ref xr, i).ToVector256(), Vector128.LoadUnsafe(ref mu, i).ToVector256(),
                    Vector128.LoadUnsafe(ref sc, i).ToVector256());
                h.GetLower().StoreUnsafe(ref hr, i);
                var a = TOp.Apply(affine.Invoke(h, Vector128.LoadUnsafe(ref ga, i).ToVector256(),
                    Vector128.LoadUnsafe(ref be, i).ToVector256())).GetLower();
                a.StoreUnsafe(ref yr, i);
                if (residual) (Vector128.LoadUnsafe(ref kr, i) + Vector128.Create(weight) * a).StoreUnsafe(ref sr, i);
                j += Vector128<T>.Count;
            }
            for (; j < cols; j++) // scalar remainder, and the whole row at the scalar tier
            {
                T h = Unsafe.Add(ref hr, j) = normalize.Invoke(Unsafe.Add(ref xr, j), Unsafe.Add(ref mu, j), Unsafe.Add(ref sc, j));
                T a = Unsafe.Add(ref yr, j) = TOp.Apply(affine.Invoke(h, Unsafe.Add(ref ga, j), Unsafe.Add(ref be, j)));
                if (residual) Unsafe.Add(ref sr, j) = Unsafe.Add(ref kr, j) + weight * a;
            }
        }
    }

    /// <summary>dx = (γ·s) ⊙ (g − (Σg + x̂ ⊙ Σg⊙x̂)/B) row by row in one loop: the arithmetic of the two element-wise
    /// operators of <see cref="Backward"/> (unfused, t first), whose scalar twins are the reference of the tail. With an
    /// <paramref name="addend"/>, dx = that value + addend (two roundings, as a separate addition).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InputGradientRows(ReadOnlySpan<T> g, ReadOnlySpan<T> xhat, ReadOnlySpan<T> sumG, ReadOnlySpan<T> sumGH,
        ReadOnlySpan<T> scale, T invBatch, Span<T> dx, int rows, ReadOnlySpan<T> addend = default)
    {
        int cols = InputDim;
        bool add = !addend.IsEmpty;
        if (add && addend.Length < rows * cols) throw new ArgumentException("The addend does not match the input gradient.");
        VectorTier tier = ElementWise.TierFor<T>();
        ref T ad = ref MemoryMarshal.GetReference(addend);
        ref T gs = ref MemoryMarshal.GetReference(g);
        ref T hs = ref MemoryMarshal.GetReference(xhat);
        ref T ds = ref MemoryMarshal.GetReference(dx);
        ref T sg = ref MemoryMarshal.GetReference(sumG);
        ref T sgh = ref MemoryMarshal.GetReference(sumGH);
        ref T sc = ref MemoryMarshal.GetReference(scale);
        for (int r = 0; r < rows; r++)
        {
            nuint o = (nuint)(r * cols);
            int j = 0;
            if (tier == VectorTier.Vector512)
                for (; j <= cols - Vector512<T>.Count; j += Vector512<T>.Count)
                {
                    nuint i = o + (nuint)j, k = (nuint)j;
                    var t = Vector512.LoadUnsafe(ref sg, k) + Vector512.LoadUnsafe(ref hs, i) * Vector512.LoadUnsafe(ref sgh, k);
                    var v = Vector512.LoadUnsafe(ref sc, k) * (Vector512.LoadUnsafe(ref gs, i) - Vector512.Create(invBatch) * t);
                    (add ? v + Vector512.LoadUnsafe(ref ad, i) : v).StoreUnsafe(ref ds, i);
                }
            if (tier >= VectorTier.Vector256)
                for (; j <= cols - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    nuint i = o + (nuint)j, k = (nuint)j;
                    var t = Vector256.LoadUnsafe(ref sg, k) + Vector256.LoadUnsafe(ref hs, i) * Vector256.LoadUnsafe(ref sgh, k);
                    var v = Vector256.LoadUnsafe(ref sc, k) * (Vector256.LoadUnsafe(ref gs, i) - Vector256.Create(invBatch) * t);
                    (add ? v + Vector256.LoadUnsafe(ref ad, i) : v).StoreUnsafe(ref ds, i);
                }
            var multiplyAdd = default(MultiplyAddOperator<T>);
            var inputGradient = new BatchNormInputGradient<T>(invBatch);
            for (; j < cols; j++) // scalar remainder
            {
                nuint i = o + (nuint)j;
                T t = multiplyAdd.Invoke(Unsafe.Add(ref hs, i), Unsafe.Add(ref sgh, j), Unsafe.Add(ref sg, j));
                T v = inputGradient.Invoke(Unsafe.Add(ref gs, i), t, Unsafe.Add(ref sc, j));
                Unsafe.Add(ref ds, i) = add ? v + Unsafe.Add(ref ad, i) : v;
            }
        }
    }
}

/// <summary>The per-unit operands of a batch norm's normalisation pass, each d long: μ, s = 1/√(σ² + ε), γ and β.</summary>
internal readonly ref struct NormalizeRowArgs<T>(ReadOnlySpan<T> mean, ReadOnlySpan<T> inverseStd, ReadOnlySpan<T> gain,
    ReadOnlySpan<T> shift) where T : unmanaged, IFloatingPointIeee754<T>
{
    public ReadOnlySpan<T> Mean { get; } = mean;
    public ReadOnlySpan<T> InverseStd { get; } = inverseStd;
    public ReadOnlySpan<T> Gain { get; } = gain;
    public ReadOnlySpan<T> Shift { get; } = shift;
}

/// <summary>(γ·s) ⊙ (dy − t/B) with t = Σdy + x̂ ⊙ Σdy⊙x̂ (the batch-norm input gradient, second half).</summary>
internal readonly struct BatchNormInputGradient<T>(T invBatch) : ITernaryOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorizable => true;
    public T Invoke(T g, T t, T scale) => scale * (g - invBatch * t);
    public Vector256<T> Invoke(Vector256<T> g, Vector256<T> t, Vector256<T> scale) => scale * (g - Vector256.Create(invBatch) * t);
    public Vector512<T> Invoke(Vector512<T> g, Vector512<T> t, Vector512<T> scale) => scale * (g - Vector512.Create(invBatch) * t);
}
