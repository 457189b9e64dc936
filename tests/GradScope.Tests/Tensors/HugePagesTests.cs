using System.Globalization;
using System.Runtime.InteropServices;
using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

/// <summary>Large arrays come back zeroed and, on Linux with transparent huge pages on request, with their interior in a
/// mapping marked for huge pages (<c>hg</c> in /proc/self/smaps); small arrays are left alone.</summary>
public class HugePagesTests
{
    [Fact]
    public void Arrays_are_zeroed_at_every_size()
    {
        foreach (long length in new long[] { 0, 1, 1000, HugePages.MinBytes / sizeof(double) - 1, 3 * HugePages.MinBytes / sizeof(double) })
        {
            var array = HugePages.Allocate<double>(length);
            Assert.Equal(length, array.LongLength);
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
    public void A_large_array_lies_in_a_mapping_marked_for_huge_pages()
    {
        if (!OperatingSystem.IsLinux() || !HugePagesOnRequest() || Environment.GetEnvironmentVariable("GRADSCOPE_HUGE_PAGES") == "0")
            return; // nothing to check where the kernel does not offer them on request
        var array = HugePages.Allocate<float>(4 * HugePages.MinBytes / sizeof(float));
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        ulong interior = ((ulong)handle.AddrOfPinnedObject() + (4UL << 20)) & ~((2UL << 20) - 1);
        var flags = VmFlagsOf(interior);
        handle.Free();
        Assert.Contains("hg", flags); // MADV_HUGEPAGE
        var small = HugePages.Allocate<float>(1000);
        GC.KeepAlive(array);
        GC.KeepAlive(small);
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
