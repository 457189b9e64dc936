using System.Runtime.InteropServices;

namespace GradScope.Tensors;

/// <summary>
/// Large arrays backed by transparent huge pages where Linux offers them on request (<c>madvise</c> mode, the default of
/// most distributions): the array's elements start on a 2 MiB boundary and that range is advised <c>MADV_HUGEPAGE</c>
/// before anything touches it, so that its first touch takes one fault per 2 MiB instead of one per 4 KiB. On the
/// shadow-paging virtual machines this project is measured on, a 4 KiB fault costs ≈ 7–14 µs: 100 MB touched for the first
/// time took 260–300 ms in 4 KiB pages and ≈ 7 ms in huge pages. The advice changes no value (a fresh array reads zero
/// either way) and is skipped elsewhere, on failure, and with <c>GRADSCOPE_HUGE_PAGES=0</c>.
/// <see cref="MatrixMemory"/> decides which matrices live in such arrays.
/// </summary>
internal static unsafe partial class HugePages
{
    public const int PageBytes = 2 << 20;

    private const int MadviseHugePage = 14; // MADV_HUGEPAGE, Linux ≥ 2.6.38

    private static readonly bool Enabled = EnabledFor(Environment.GetEnvironmentVariable("GRADSCOPE_HUGE_PAGES"));

    /// <summary>Whether arrays are advised, given the value of <c>GRADSCOPE_HUGE_PAGES</c>: on Linux unless it is "0".</summary>
    internal static bool EnabledFor(string? setting) => OperatingSystem.IsLinux() && setting?.Trim() != "0";

    /// <summary>
    /// A zeroed array that holds <paramref name="length"/> elements from <c>Offset</c> on, where they start on a 2 MiB
    /// boundary, advised for huge pages up to the last boundary inside the array. The array is one huge page longer than
    /// asked; on fresh memory that padding is address space only (never touched). Without huge pages, a plain array and
    /// offset 0.
    /// </summary>
    public static (T[] Array, int Offset) AllocateAligned<T>(long length) where T : unmanaged
    {
        if (!Enabled) return (new T[length], 0);
        var array = new T[length + PageBytes / sizeof(T)];
        // Large arrays are not moved by the GC (the large-object heap is not compacted unless a caller asks for it), and the
        // advice only marks an address range: even a moved array would stay correct, only no longer aligned.
        fixed (T* p = array)
        {
            nuint start = ((nuint)p + PageBytes - 1) & ~(nuint)(PageBytes - 1);
            nuint end = (nuint)(p + array.Length) & ~(nuint)(PageBytes - 1);
            if (end > start)
            {
                try { _ = Madvise((void*)start, end - start, MadviseHugePage); }
                catch (DllNotFoundException) { } // no libc under that name: advice is optional
                catch (EntryPointNotFoundException) { }
            }
            return (array, (int)((start - (nuint)p) / (nuint)sizeof(T)));
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
