using System.Runtime.CompilerServices;
using GradScope.Limits;

namespace GradScope.Tests.Limits;

/// <summary>
/// The tests share a machine with other work: requests that would fit the whole machine but not a test run (the fuzz
/// suite asks for --input-dim 100000000) are refused under a 2 GB cap unless GRADSCOPE_MEMORY_LIMIT is set already.
/// </summary>
internal static class TestMemoryLimit
{
    [ModuleInitializer]
    internal static void Apply()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MemoryBudget.EnvironmentVariable)))
            Environment.SetEnvironmentVariable(MemoryBudget.EnvironmentVariable, "2GB");
    }
}
