using GradScope.Cli;
using GradScope.Tests.Cli;

namespace GradScope.Tests.Fuzz;

/// <summary>What every failing command line must look like: the documented code and one line naming the problem.</summary>
internal static class CliAssert
{
    public static readonly int[] Documented =
    [
        ExitCodes.Success, ExitCodes.ParseError, ExitCodes.InvalidArguments, ExitCodes.DataError, ExitCodes.RuntimeFailure,
        ExitCodes.Cancelled,
    ];

    /// <summary>Runs the command line and asserts it fails with <paramref name="code"/> and one line containing every fragment.</summary>
    public static CliHarness.Outcome Fails(int code, string[] args, params string[] fragments)
    {
        var result = CliHarness.Run(args);
        Assert.True(result.ExitCode == code, $"exit {result.ExitCode}, expected {code}: {result.Error}{result.Output}");
        OneLine(result);
        foreach (string fragment in fragments) Assert.Contains(fragment, result.Error);
        return result;
    }

    public static CliHarness.Outcome Succeeds(params string[] args)
    {
        var result = CliHarness.Run(args);
        Assert.True(result.ExitCode == ExitCodes.Success, $"exit {result.ExitCode}: {result.Error}");
        return result;
    }

    /// <summary>stderr holds exactly one line starting "gradscope: ".</summary>
    public static void OneLine(CliHarness.Outcome result)
    {
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got {lines.Length}: {result.Error}");
        Assert.StartsWith("gradscope: ", lines[0]);
    }
}
