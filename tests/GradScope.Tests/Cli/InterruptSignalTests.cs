using System.Diagnostics;
using System.Runtime.InteropServices;
using GradScope.Cli;
using GradScope.Tests.Data;
using GradScope.Training;

namespace GradScope.Tests.Cli;

/// <summary>
/// Sends a real SIGINT or SIGTERM to a child process running the built CLI in the middle of a long loop: the command
/// must stop, keep what is finished, print the one interrupted line and exit 130. The bound on the wait is generous
/// (a shared machine); the latency itself is a benchmark figure, not asserted here.
/// </summary>
public sealed class InterruptSignalTests : IDisposable
{
    private const int SigInt = 2, SigTerm = 15;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Theory]
    [InlineData(SigInt)]
    [InlineData(SigTerm)]
    public void Bench_stops_on_a_signal_with_exit_130(int signal)
    {
        using var child = Child.Start(_temp.Path, "bench", "--archs", "relu", "--batches", "32,32,32,32,32,32", "--inputs", "784",
            "--seconds", "1.5", "--no-diagnostics");
        child.WaitForOutput("gradscope relu");
        var (code, error) = child.Signal(signal);
        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("gradscope: interrupted", error);
    }

    [Theory]
    [InlineData(SigInt)]
    [InlineData(SigTerm)]
    public void Full_matrix_analysis_stops_on_a_signal_with_exit_130(int signal) =>
        AnalysisStops(signal, "report.json", "analyze", "--arch", "relu", "--depth", "400", "--width", "100", "--noise", "64",
            "--full-matrix", "--json");

    [Fact]
    public void Own_model_analysis_stops_on_SIGTERM_with_exit_130_and_no_report()
    {
        string checkpoint = Path.Combine(_temp.Path, "deep.safetensors"), onnx = Path.Combine(_temp.Path, "deep.onnx");
        CliHarness.Run("init", "--arch", "relu", "--depth", "400", "--width", "100", "--out", checkpoint).ExpectSuccess();
        CliHarness.Run("export", "--checkpoint", checkpoint, "--onnx", onnx).ExpectSuccess();
        AnalysisStops(SigTerm, "report.json", "analyze", "--model", onnx, "--noise", "64", "--full-matrix", "--json");
    }

    [Fact]
    public void Diagnosis_with_html_report_stops_on_SIGINT_and_writes_no_report()
    {
        AnalysisStops(SigInt, "report.html", "analyze", "--arch", "relu", "--depth", "400", "--width", "100", "--noise", "64",
            "--full-matrix", "--what-if", "--html");
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp*"));
    }

    /// <summary>
    /// Runs the analysis (<paramref name="args"/> end with the report option, followed by <paramref name="report"/>),
    /// signals it mid-computation, and checks exit 130, the interrupted line and that no report was written.
    /// </summary>
    private void AnalysisStops(int signal, string report, params string[] args)
    {
        string path = Path.Combine(_temp.Path, report);
        using var child = Child.Start(_temp.Path, [.. args, path]);
        // Nothing is printed before the report; the interrupted line proves the handler ran, not the default action.
        Thread.Sleep(3000);
        var (code, error) = child.Signal(signal);
        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("gradscope: interrupted", error);
        Assert.False(File.Exists(path), "no report may be left behind by an interrupted analysis");
    }

    /// <summary>
    /// One shard of a sweep, as a Slurm array task runs it (Slurm ends a task with SIGTERM at its time limit): finished
    /// cells are kept, nothing is half-written, and <c>status</c> shows them finished and nothing still running.
    /// </summary>
    [Fact]
    public void Sharded_reproduce_stops_on_SIGTERM_keeps_finished_cells_and_status_shows_them()
    {
        // The quick preset reads Fashion-MNIST (CI installs it); its init cells take seconds each, long enough to interrupt.
        if (!GradScope.Data.IdxFileSet.Find("/usr/share/datasets/fashion-mnist").IsComplete) return;
        string root = Path.Combine(_temp.Path, "sweep");
        // Only the init study: the first finished cell comes soonest, so the test holds under a loaded CI machine.
        using var child = Child.Start(_temp.Path, "reproduce", "--preset", "quick", "--studies", "init", "--shard", "1/2", "--out",
            root, "--no-report", "--data", "/usr/share/datasets/fashion-mnist");
        child.WaitForOutput("[1/");
        var (code, error) = child.Signal(SigTerm);
        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("gradscope: interrupted", error);
        string cells = Path.Combine(root, GradScope.Reproduction.CellStore.CellsDirectory);
        int finished = Directory.GetFiles(cells, GradScope.Reproduction.CellStore.ResultFile, SearchOption.AllDirectories).Length;
        Assert.True(finished >= 1, $"{finished} finished cells kept");
        Assert.Empty(Directory.GetFiles(root, "*.tmp*", SearchOption.AllDirectories));

        var status = CliHarness.Run("status", root, "--tasks", "2").ExpectSuccess();
        var shard1 = status.Output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries))
            .First(cols => cols.Length > 3 && cols[1] == "1");
        Assert.Equal(finished.ToString(System.Globalization.CultureInfo.InvariantCulture), shard1[2]);
        Assert.Equal("0", shard1[3]); // running: the interrupted process holds no claim any more
    }

    [Fact]
    public void Training_stops_on_SIGINT_keeps_finished_epochs_and_resumes()
    {
        string data = _temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(data, trainCount: 600, testCount: 20, gzip: false, height: 28, width: 28);
        string run = Path.Combine(_temp.Path, "run");
        using var child = Child.Start(_temp.Path, "train", "--arch", "relu", "--depth", "10", "--width", "64", "--epochs", "100000",
            "--batch", "16", "--data", data, "--out", run);
        child.WaitForOutput("epoch   1:");
        var (code, error) = child.Signal(SigInt);
        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("gradscope: interrupted", error);
        int done = new RunDirectory(run).ReadState()!.EpochsCompleted;
        Assert.True(done >= 1);
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.CheckpointFile)));

        var resumed = CliHarness.Run("train", "--resume", run, "--epochs", $"{done + 1}");
        Assert.True(resumed.ExitCode == ExitCodes.Success, resumed.Error);
        Assert.Equal(done + 1, new RunDirectory(run).ReadState()!.EpochsCompleted);
    }

    /// <summary>The built CLI in a child process, its output collected as it arrives.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();
        private readonly System.Text.StringBuilder _error = new();
        private readonly Lock _lock = new();

        private Child(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => { lock (_lock) _output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (_lock) _error.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static Child Start(string workingDirectory, params string[] args)
        {
            string dll = typeof(GradScopeCli).Assembly.Location;
            // A test host started in the background may inherit SIGINT as ignored; GNU env restores the default.
            bool env = File.Exists("/usr/bin/env") && !OperatingSystem.IsWindows();
            var info = new ProcessStartInfo(env ? "/usr/bin/env" : "dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (env)
            {
                info.ArgumentList.Add("--default-signal=INT");
                info.ArgumentList.Add("dotnet");
            }
            info.ArgumentList.Add(dll);
            foreach (string arg in args) info.ArgumentList.Add(arg);
            return new Child(Process.Start(info)!);
        }

        public void WaitForOutput(string text)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                lock (_lock)
                    if (_output.ToString().Contains(text, StringComparison.Ordinal)) return;
                Assert.False(_process.HasExited, $"child exited before printing '{text}': {_error}");
                Thread.Sleep(50);
            }
            Assert.Fail($"no '{text}' from the child within 2 minutes");
        }

        /// <summary>Sends the signal and waits for the exit (bounded generously).</summary>
        public (int Code, string Error) Signal(int signal)
        {
            Assert.False(_process.HasExited, "the child finished before it could be interrupted; make its workload larger");
            Assert.Equal(0, kill(_process.Id, signal));
            Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), "the child ignored the signal for 30 s");
            _process.WaitForExit();
            lock (_lock) return (_process.ExitCode, _error.ToString());
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
