using GradScope.Cli;
using GradScope.Tests.Data;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// Output files that cannot be written (issue 15, "unclear" and "lost work"): a directory is refused before any work is
/// done, and an unwritable place names the file the user gave, never GradScope's temporary file.
/// </summary>
public sealed class OutputFileCorpusTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("--json")]
    [InlineData("--html")]
    [InlineData("--md")]
    [InlineData("--diagnosis-json")]
    public void Directory_as_report_file_is_refused_before_the_analysis(string option)
    {
        var result = CliAssert.Fails(ExitCodes.DataError,
            ["analyze", "--arch", "relu", "--depth", "2", "--width", "3", "--noise", "4", "--input-dim", "4", option, _temp.Path],
            _temp.Path, "is a directory");
        Assert.Equal("", result.Output); // nothing was analysed and printed first
    }

    [Fact]
    public void Directory_as_export_or_init_target_is_refused_before_the_work()
    {
        CliAssert.Fails(ExitCodes.DataError, ["init", "--arch", "relu", "--depth", "2", "--width", "3", "--out", _temp.Path],
            "is a directory");
        string checkpoint = _temp.File("net.safetensors");
        CliAssert.Succeeds("init", "--arch", "relu", "--depth", "2", "--width", "3", "--out", checkpoint);
        CliAssert.Fails(ExitCodes.DataError, ["export", "--checkpoint", checkpoint, "--onnx", _temp.Path], "is a directory");
    }

    [Fact]
    public void Unwritable_report_place_names_the_file_not_a_temporary_one()
    {
        if (!Directory.Exists("/proc/self")) return; // Linux: /proc accepts no new files, even for root
        var result = CliAssert.Fails(ExitCodes.DataError,
            ["analyze", "--arch", "relu", "--depth", "2", "--width", "3", "--noise", "4", "--input-dim", "4",
                "--json", "/proc/report.json"],
            "cannot write /proc/report.json");
        Assert.DoesNotContain(".tmp", result.Error);
    }
}
