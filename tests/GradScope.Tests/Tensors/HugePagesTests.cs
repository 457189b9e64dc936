using System.Globalization;
using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

/// <summary>Aligned arrays come back zeroed, long enough, their elements on a 2 MiB boundary and, on Linux with transparent
/// huge pages on request, in a mapping marked for huge pages (<c>hg</c> in /proc/self/smaps).</summary>
public class HugePagesTests
{
    [Fact]
    public void Aligned_arrays_are_zeroed_and_hold_what_was_asked_at_every_size()
    {
        const long page = HugePages.PageBytes / sizeof(double);
        foreach (long length in new long[] { 0, 1, 1000, page + 1, 3 * page })
        {
            var (array, offset) = HugePages.AllocateAligned<double>(length);
            Assert.True(array.LongLength - offset >= length);
            Assert.All(array, v => Assert.Equal(0.0, v));
        }
    }

    [Fact]
    public void The_switch_turns_the_advice_off_and_only_off()
    {
        Assert.False(HugePages.EnabledFor("0"));
        Assert.False(HugePages.EnabledFor(" 0 "));
        Assert.Equal(OperatingSystem.IsLinux(), HugePages.EnabledFor(null));
        Assert.Equal(OperatingSystem.IsLinux(), HugePages.EnabledFor("1"));
    }

    [Fact]
    public void An_aligned_array_starts_on_a_boundary_in_a_mapping_marked_for_huge_pages()
    {
        if (!OperatingSystem.IsLinux() || !HugePagesOnRequest() || Environment.GetEnvironmentVariable("GRADSCOPE_HUGE_PAGES") == "0")
            return; // nothing to check where the kernel does not offer them on request
        var (array, offset) = HugePages.AllocateAligned<float>(3 * HugePages.PageBytes / sizeof(float));
        ulong start = (ulong)MatrixMemory.AddressOf(array, offset);
        Assert.Equal(0UL, start % HugePages.PageBytes);
        Assert.Contains("hg", VmFlagsOf(start)); // MADV_HUGEPAGE
        Assert.Contains("hg", VmFlagsOf(start + 2UL * HugePages.PageBytes));
        GC.KeepAlive(array);
    }

    private static bool HugePagesOnRequest()
    {
        const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        return File.Exists(setting) && File.ReadAllText(setting).Contains("[madvise]", StringComparison.Ordinal);
    }

    /// <summary>The VmFlags of the mapping in /proc/self/smaps that contains <paramref name="address"/>.</summary>
    private static string[] VmFlagsOf(ulong address)
    {
        bool inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, null, out ulong lo)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, null, out ulong hi))
            {
                inside = address >= lo && address < hi;
                continue;
            }
            if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        throw new InvalidOperationException($"No mapping holds {address:x}.");
    }
}
