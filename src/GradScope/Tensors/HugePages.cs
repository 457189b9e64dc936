using System.Runtime.InteropServices;

namespace GradScope.Tensors;

/// <summary>
/// Large arrays backed by transparent huge pages where Linux offers them on request (<c>madvise</c> mode, the default of
/// most distributions): the 2 MiB-aligned interior of a fresh array of at least <see cref="MinBytes"/> is advised
/// <c>MADV_HUGEPAGE</c> before anything touches it, so that its first touch takes one fault per 2 MiB instead of one per
/// 4 KiB. On the shadow-paging virtual machines this project is measured on, a 4 KiB fault costs ≈ 10 µs: 100 MB touched
/// for the first time took 260–300 ms in 4 KiB pages and ≈ 7 ms in huge pages, so the diagnostics' large stacked buffers
/// (tens of MB, fresh in every command-line run) paid more for their pages than for their arithmetic. The advice changes
/// no value (a fresh array reads zero either way) and is skipped elsewhere, on failure, and with
/// <c>GRADSCOPE_HUGE_PAGES=0</c>.
/// </summary>
internal static unsafe partial class HugePages
{
    /// <summary>Arrays from this size on are advised (below it few whole 2 MiB blocks lie inside the array).</summary>
    public const long MinBytes = 4L << 20;

    private const nuint HugePageBytes = 2u << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE, Linux ≥ 2.6.38

    private static readonly bool Enabled = EnabledFor(Environment.GetEnvironmentVariable("GRADSCOPE_HUGE_PAGES"));

    /// <summary>Whether arrays are advised, given the value of <c>GRADSCOPE_HUGE_PAGES</c>: on Linux unless it is "0".</summary>
    internal static bool EnabledFor(string? setting) => OperatingSystem.IsLinux() && setting?.Trim() != "0";

    /// <summary>A zeroed array of <paramref name="length"/> elements, its interior advised for huge pages when large.</summary>
    public static T[] Allocate<T>(long length) where T : unmanaged
    {
        var array = new T[length];
        if (Enabled && length * sizeof(T) >= MinBytes) Advise(array);
        return array;
    }

    private static void Advise<T>(T[] array) where T : unmanaged
    {
        // Large arrays are not moved by the GC (the large-object heap is not compacted unless a caller asks for it), and the
        // advice only marks an address range: even a moved array would stay correct.
        fixed (T* p = array)
        {
            nuint start = ((nuint)p + HugePageBytes - 1) & ~(HugePageBytes - 1);
            nuint end = (nuint)(p + array.Length) & ~(HugePageBytes - 1);
            if (end <= start) return;
            try { _ = Madvise((void*)start, end - start, MadviseHugePage); }
            catch (DllNotFoundException) { } // no libc under that name: advice is optional
            catch (EntryPointNotFoundException) { }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
