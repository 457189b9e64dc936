using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GradScope.Tensors;

/// <summary>
/// The update rules of <c>GradScope.Training.Optimizer</c> as SIMD kernels. Every vector lane evaluates exactly
/// the scalar expression (same operations, same order, no fused multiply-add, correctly rounded sqrt and
/// division), so fast and reference updates are bit-identical. Cascade Vector512 → Vector256 → scalar
/// remainder, as in <see cref="ElementWise"/>; the scalar loops are the references.
/// </summary>
internal static class OptimizerKernels
{
    /// <summary>θ ← θ − lr·g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgd<T>(Span<T> theta, ReadOnlySpan<T> grad, T lr, VectorTier tier)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Check(theta, grad), i = 0;
        ref T th = ref MemoryMarshal.GetReference(theta);
        ref T gr = ref MemoryMarshal.GetReference(grad);
        if (tier == VectorTier.Vector512)
            for (var vlr = Vector512.Create(lr); i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref th, (nuint)i) - vlr * Vector512.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref th, (nuint)i);
        if (tier >= VectorTier.Vector256)
            for (var vlr = Vector256.Create(lr); i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref th, (nuint)i) - vlr * Vector256.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref th, (nuint)i);
        for (; i < n; i++) theta[i] -= lr * grad[i]; // scalar remainder = reference
    }

    /// <summary>v ← μv + g; θ ← θ − lr·v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Momentum<T>(Span<T> theta, ReadOnlySpan<T> grad, Span<T> v, T lr, T mu, VectorTier tier)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Check(theta, grad), i = 0;
        if (v.Length != n) throw new ArgumentException("State length differs.");
        ref T th = ref MemoryMarshal.GetReference(theta);
        ref T gr = ref MemoryMarshal.GetReference(grad);
        ref T vs = ref MemoryMarshal.GetReference(v);
        if (tier == VectorTier.Vector512)
        {
            var vlr = Vector512.Create(lr); var vmu = Vector512.Create(mu);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var vi = vmu * Vector512.LoadUnsafe(ref vs, (nuint)i) + Vector512.LoadUnsafe(ref gr, (nuint)i);
                vi.StoreUnsafe(ref vs, (nuint)i);
                (Vector512.LoadUnsafe(ref th, (nuint)i) - vlr * vi).StoreUnsafe(ref th, (nuint)i);
            }
        }
        if (tier >= VectorTier.Vector256)
        {
            var vlr = Vector256.Create(lr); var vmu = Vector256.Create(mu);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var vi = vmu * Vector256.LoadUnsafe(ref vs, (nuint)i) + Vector256.LoadUnsafe(ref gr, (nuint)i);
                vi.StoreUnsafe(ref vs, (nuint)i);
                (Vector256.LoadUnsafe(ref th, (nuint)i) - vlr * vi).StoreUnsafe(ref th, (nuint)i);
            }
        }
        for (; i < n; i++) // scalar remainder = reference
        {
            v[i] = mu * v[i] + grad[i];
            theta[i] -= lr * v[i];
        }
    }

    /// <summary>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − stepSize·m/(√v/c₂ + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adam<T>(Span<T> theta, ReadOnlySpan<T> grad, Span<T> m, Span<T> v,
        T b1, T b2, T stepSize, T correction2Sqrt, T eps, VectorTier tier)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Check(theta, grad), i = 0;
        if (m.Length != n || v.Length != n) throw new ArgumentException("State length differs.");
        ref T th = ref MemoryMarshal.GetReference(theta);
        ref T gr = ref MemoryMarshal.GetReference(grad);
        ref T ms = ref MemoryMarshal.GetReference(m);
        ref T vs = ref MemoryMarshal.GetReference(v);
        T c1 = T.One - b1, c2 = T.One - b2;
        if (tier == VectorTier.Vector512)
        {
            Vector512<T> vb1 = Vector512.Create(b1), vb2 = Vector512.Create(b2), vc1 = Vector512.Create(c1), vc2 = Vector512.Create(c2),
                vstep = Vector512.Create(stepSize), vcorr = Vector512.Create(correction2Sqrt), veps = Vector512.Create(eps);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                var mi = vb1 * Vector512.LoadUnsafe(ref ms, (nuint)i) + vc1 * g;
                var vi = vb2 * Vector512.LoadUnsafe(ref vs, (nuint)i) + vc2 * g * g;
                mi.StoreUnsafe(ref ms, (nuint)i);
                vi.StoreUnsafe(ref vs, (nuint)i);
                (Vector512.LoadUnsafe(ref th, (nuint)i) - vstep * mi / (Vector512.Sqrt(vi) / vcorr + veps)).StoreUnsafe(ref th, (nuint)i);
            }
        }
        if (tier >= VectorTier.Vector256)
        {
            Vector256<T> vb1 = Vector256.Create(b1), vb2 = Vector256.Create(b2), vc1 = Vector256.Create(c1), vc2 = Vector256.Create(c2),
                vstep = Vector256.Create(stepSize), vcorr = Vector256.Create(correction2Sqrt), veps = Vector256.Create(eps);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var mi = vb1 * Vector256.LoadUnsafe(ref ms, (nuint)i) + vc1 * g;
                var vi = vb2 * Vector256.LoadUnsafe(ref vs, (nuint)i) + vc2 * g * g;
                mi.StoreUnsafe(ref ms, (nuint)i);
                vi.StoreUnsafe(ref vs, (nuint)i);
                (Vector256.LoadUnsafe(ref th, (nuint)i) - vstep * mi / (Vector256.Sqrt(vi) / vcorr + veps)).StoreUnsafe(ref th, (nuint)i);
            }
        }
        for (; i < n; i++) // scalar remainder = reference
        {
            T g = grad[i];
            m[i] = b1 * m[i] + (T.One - b1) * g;
            v[i] = b2 * v[i] + (T.One - b2) * g * g;
            theta[i] -= stepSize * m[i] / (T.Sqrt(v[i]) / correction2Sqrt + eps);
        }
    }

    /// <summary>v ← αv + (1−α)g²; θ ← θ − lr·g/(√v + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsProp<T>(Span<T> theta, ReadOnlySpan<T> grad, Span<T> v, T lr, T alpha, T eps, VectorTier tier)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Check(theta, grad), i = 0;
        if (v.Length != n) throw new ArgumentException("State length differs.");
        ref T th = ref MemoryMarshal.GetReference(theta);
        ref T gr = ref MemoryMarshal.GetReference(grad);
        ref T vs = ref MemoryMarshal.GetReference(v);
        T c = T.One - alpha;
        if (tier == VectorTier.Vector512)
        {
            Vector512<T> vlr = Vector512.Create(lr), va = Vector512.Create(alpha), vc = Vector512.Create(c), veps = Vector512.Create(eps);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                var vi = va * Vector512.LoadUnsafe(ref vs, (nuint)i) + vc * g * g;
                vi.StoreUnsafe(ref vs, (nuint)i);
                (Vector512.LoadUnsafe(ref th, (nuint)i) - vlr * g / (Vector512.Sqrt(vi) + veps)).StoreUnsafe(ref th, (nuint)i);
            }
        }
        if (tier >= VectorTier.Vector256)
        {
            Vector256<T> vlr = Vector256.Create(lr), va = Vector256.Create(alpha), vc = Vector256.Create(c), veps = Vector256.Create(eps);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var vi = va * Vector256.LoadUnsafe(ref vs, (nuint)i) + vc * g * g;
                vi.StoreUnsafe(ref vs, (nuint)i);
                (Vector256.LoadUnsafe(ref th, (nuint)i) - vlr * g / (Vector256.Sqrt(vi) + veps)).StoreUnsafe(ref th, (nuint)i);
            }
        }
        for (; i < n; i++) // scalar remainder = reference
        {
            T g = grad[i];
            v[i] = alpha * v[i] + (T.One - alpha) * g * g;
            theta[i] -= lr * g / (T.Sqrt(v[i]) + eps);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Check<T>(Span<T> theta, ReadOnlySpan<T> grad)
    {
        if (theta.Length != grad.Length) throw new ArgumentException("Parameter and gradient lengths differ.");
        return theta.Length;
    }
}
