using System.Text.Json;
using GradScope.Cli;
using GradScope.Data;
using GradScope.IO;
using GradScope.Limits;
using Spectre.Console;

namespace GradScope.Tests.Cli;

public class ErrorPolicyTests
{
    [Theory]
    [InlineData(typeof(ArgumentException), ExitCodes.InvalidArguments)]
    [InlineData(typeof(ResourceLimitException), ExitCodes.InvalidArguments)]
    [InlineData(typeof(DataFormatException), ExitCodes.DataError)]
    [InlineData(typeof(CheckpointFormatException), ExitCodes.DataError)]
    [InlineData(typeof(InvalidDataException), ExitCodes.DataError)]
    [InlineData(typeof(JsonException), ExitCodes.DataError)]
    [InlineData(typeof(IOException), ExitCodes.DataError)]
    [InlineData(typeof(UnauthorizedAccessException), ExitCodes.DataError)]
    [InlineData(typeof(RuntimeFailureException), ExitCodes.RuntimeFailure)]
    [InlineData(typeof(OutOfMemoryException), ExitCodes.RuntimeFailure)]
    [InlineData(typeof(OperationCanceledException), ExitCodes.Cancelled)]
    [InlineData(typeof(ArgumentOutOfRangeException), ExitCodes.Unexpected)]
    [InlineData(typeof(ArgumentNullException), ExitCodes.Unexpected)]
    [InlineData(typeof(InvalidOperationException), ExitCodes.Unexpected)]
    [InlineData(typeof(NullReferenceException), ExitCodes.Unexpected)]
    [InlineData(typeof(OverflowException), ExitCodes.Unexpected)]
    public void Every_failure_maps_to_its_documented_code_and_one_line(Type type, int code)
    {
        var e = (Exception)Activator.CreateInstance(type, "what went wrong\nsecond line")!;
        var (actual, line) = ErrorPolicy.Classify(e);
        Assert.Equal(code, actual);
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("gradscope: ", line);
    }

    [Fact]
    public void Unexpected_error_is_one_line_with_the_verbose_hint_and_exit_70()
    {
        var (context, error) = Context(verbose: false);
        int code = context.Guard(_ => throw new InvalidOperationException("Sequence contains no elements"), default);
        Assert.Equal(ExitCodes.Unexpected, code);
        Assert.Equal("gradscope: internal error: InvalidOperationException: Sequence contains no elements; " +
            "rerun with --verbose for the trace.",
            error.ToString().TrimEnd());
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_of_an_unexpected_error()
    {
        var (context, error) = Context(verbose: true);
        int code = context.Guard(_ => throw new InvalidOperationException("boom"), default);
        Assert.Equal(ExitCodes.Unexpected, code);
        Assert.Contains("at GradScope.Tests.Cli.ErrorPolicyTests", error.ToString());
    }

    [Fact]
    public void Parameter_suffix_is_dropped_from_option_errors()
    {
        var (_, line) = ErrorPolicy.Classify(new ArgumentException("--tau must lie in (0, 1).", "tau"));
        Assert.Equal("gradscope: error: --tau must lie in (0, 1).", line);
    }

    [Fact]
    public void An_interrupt_before_or_during_the_body_exits_130()
    {
        using var interrupt = new CancellationTokenSource();
        var error = new StringWriter();
        var context = new CliContext(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }), error,
            interactive: false, interrupt.Token);
        int code = context.Guard(token =>
        {
            interrupt.Cancel();
            token.ThrowIfCancellationRequested();
            return ExitCodes.Success;
        }, default);
        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Equal("gradscope: interrupted; finished work is saved.", error.ToString().TrimEnd());
    }

    [Fact]
    public void Verbose_is_accepted_by_every_command()
    {
        var result = CliHarness.Run("analyze", "--verbose", "--arch", "relu", "--noise", "1");
        Assert.Equal(ExitCodes.InvalidArguments, result.ExitCode);
        Assert.Contains("--noise needs at least 2", result.Error);
    }

    private static (CliContext Context, StringWriter Error) Context(bool verbose)
    {
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        return (new CliContext(console, error, interactive: false) { Verbose = verbose }, error);
    }
}
