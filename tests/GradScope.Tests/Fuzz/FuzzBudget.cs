namespace GradScope.Tests.Fuzz;

/// <summary>
/// Iterations per fuzz target: the whole suite runs in about a minute on CI's two cores. Set GRADSCOPE_FUZZ_SCALE
/// (e.g. 20) for a longer hunt; CsCheck prints the seed of any failure (rerun with CsCheck_Seed=…).
/// </summary>
internal static class FuzzBudget
{
    public static int Iterations(int baseline)
    {
        string? scale = Environment.GetEnvironmentVariable("GRADSCOPE_FUZZ_SCALE");
        return int.TryParse(scale, out int s) && s > 0 ? baseline * s : baseline;
    }
}
