using GradScope.Cli;
using GradScope.Cli.Commands;
using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Reproduction;
using GradScope.Tensors;
using GradScope.Tests.Data;
using Spectre.Console;

namespace GradScope.Tests.Reproduction;

/// <summary><c>reproduce</c> with cells that fail: exit 4 and a line saying how to retry; a rerun retries them.</summary>
public class FailedCellsTests
{
    private sealed class FailingDiagnostics : IStudyDiagnostics
    {
        public string Name => "failing-test-diagnostics";

        public DiagnosticsReport Analyze(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample,
            DiagnosticsOptions options) => throw new InvalidOperationException("diagnostics failed on purpose");

        public TaylorResult Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data,
            IReadOnlyList<int> replaced, TaylorSide side, CancellationToken cancel) =>
            throw new InvalidOperationException("diagnostics failed on purpose");
    }

    [Fact]
    public void Failed_cells_exit_4_and_say_how_to_retry()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "out");
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No,
        });
        var context = new CliContext(console, error, interactive: false);
        var command = ReproduceCommand.Create(context, () => new FailingDiagnostics());
        int code = command.Parse(["--preset", "tiny", "--studies", "init", "--out", root, "--no-report"]).Invoke();

        Assert.Equal(ExitCodes.RuntimeFailure, code);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^gradscope: error: \d+ cell\(s\) failed .*failure\.txt.*; rerun the same command to retry them\.$", line);
        Assert.NotEmpty(Directory.GetFiles(root, "failure.txt", SearchOption.AllDirectories));
    }
}
