using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GradScope.Tensors;

/// <summary>
/// Where the elements of a <see cref="Matrix{T}"/> live: an array and the offset of the first element in it. Small matrices
/// get an array of their own; mid-sized ones (a batch of activations, a weight matrix in double) are carved one after the
/// other from the calling thread's slab, a large array whose interior is backed by 2 MiB pages (<see cref="HugePages"/>);
/// large ones get an array of their own whose first element sits on a 2 MiB boundary.
/// <para>
/// Why: on the virtual machines this project is measured on, the first touch of a 4 KiB page costs ≈ 7–14 µs. A diagnostics
/// run makes ≈ 160 MB of fresh matrices (a tape of 230 batch matrices of 200 KB for a 50-block batch-norm net, then the
/// buffers of each measurement), and took ≈ 30,000 such faults, 0.2–0.4 s of a 1.2 s analysis; in 2 MiB pages the same
/// memory takes a few hundred. A carved region is never handed out twice, so it reads zero like a fresh array; a slab lives
/// as long as any matrix carved from it.
/// </para>
/// </summary>
internal static class MatrixMemory
{
    /// <summary>From this size on a matrix is carved from a slab rather than given an array of its own.</summary>
    public const long MinCarvedBytes = 32L << 10;

    /// <summary>Size of one slab; matrices larger than a quarter of it get their own array.</summary>
    public const long SlabBytes = 8L << 20;

    /// <summary>Carved regions start on cache-line boundaries (no vector load splits a line at a row start).</summary>
    private const int AlignmentBytes = 64;

    /// <summary>Storage for <paramref name="length"/> zeroed elements: the array and the index of the first one.</summary>
    public static (T[] Array, int Offset) Allocate<T>(long length) where T : unmanaged
    {
        long bytes = length * Unsafe.SizeOf<T>();
        if (bytes < MinCarvedBytes) return (new T[length], 0);
        if (bytes > SlabBytes / 4) return HugePages.AllocateAligned<T>(length);
        return Slab<T>.Carve(length);
    }

    /// <summary>The calling thread's slab of T elements and the next free index in it.</summary>
    private static class Slab<T> where T : unmanaged
    {
        [ThreadStatic] private static T[]? _array;
        [ThreadStatic] private static int _next;
        [ThreadStatic] private static int _end;

        public static (T[] Array, int Offset) Carve(long length)
        {
            int size = Unsafe.SizeOf<T>();
            int step = AlignmentBytes / size;
            if (_array is null || _end - _next < length)
            {
                (_array, int start) = HugePages.AllocateAligned<T>(SlabBytes / size);
                // On a 2 MiB boundary with huge pages; without them the array's own alignment, rounded up to a line here.
                int misaligned = (int)(AddressOf(_array, start) % AlignmentBytes);
                _next = misaligned == 0 ? start : start + (AlignmentBytes - misaligned) / size;
                _end = Math.Min(_array.Length, start + (int)(SlabBytes / size));
            }
            int offset = _next;
            _next = (int)Math.Min(_end, offset + (length + step - 1) / step * step);
            return (_array, offset);
        }
    }

    /// <summary>Byte address of element <paramref name="offset"/> of <paramref name="array"/> (tests check alignment).</summary>
    internal static unsafe nuint AddressOf<T>(T[] array, int offset) where T : unmanaged
    {
        fixed (T* p = &MemoryMarshal.GetArrayDataReference(array)) return (nuint)(p + offset);
    }
}
