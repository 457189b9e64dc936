using GradScope.Cli;

namespace GradScope.Tests.Cli;

public class GradScopeCliTests
{
    [Fact]
    public void Help_names_the_command_gradscope_and_lists_every_command()
    {
        var result = CliHarness.Run("--help");
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("gradscope [command] [options]", result.Output);
        foreach (var command in new[] { "train", "init", "evaluate", "analyze", "bench", "reproduce", "report" })
            Assert.Contains($"  {command}", result.Output);
    }
}
