using System.CommandLine;
using CsCheck;
using GradScope.Cli;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using Spectre.Console;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// Random combinations of each command's own options (read from the real command tree, so options added later are
/// fuzzed too) with hostile values, on the real command lines: never an unexpected error (70), always a documented
/// code, one line for every failure, and no output file from a failed command. Long-running commands are bounded:
/// training and analysis use a tiny dataset and shallow networks, bench only its option checks.
/// </summary>
public sealed class OptionFuzzTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;
    private readonly string _checkpoint;
    private readonly string _output;
    private readonly string _sweep;
    private readonly Dictionary<string, string[]> _values;

    public OptionFuzzTests()
    {
        _data = _temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(_data, trainCount: 24, testCount: 6, gzip: false);
        _checkpoint = _temp.File("net.safetensors");
        CliAssert.Succeeds("init", "--arch", "relu", "--depth", "2", "--width", "3", "--input-dim", "12", "--out", _checkpoint);
        _output = Path.Combine(_temp.Path, "out", "result");
        _sweep = Path.Combine(_temp.Path, "sweep");
        CliAssert.Succeeds("reproduce", "--preset", "tiny", "--studies", "init", "--out", _sweep, "--no-report");
        string[] paths = [_checkpoint, _temp.Path, "/dev/zero", "/nonexistent/x", ""];
        string onnx = Onnx.OnnxFixtures.Model("bn_relu_mlp"), state = Onnx.OnnxFixtures.File("bn_relu_mlp_state.safetensors");
        string reportFile = Path.Combine(_temp.Path, "out", "report");
        _values = new Dictionary<string, string[]>
        {
            ["--arch"] = ["relu", "batch-tanh", "resnet-relu", "layer-selu-orth", "relu-ll", "imagenet", ""],
            ["--depth"] = ["-1", "0", "1", "2", "3"],
            ["--unit-size"] = ["0", "1", "2", "9"],
            ["--residual-weight"] = ["-1", "0", "0.5", "NaN", "Infinity"],
            ["--noise"] = ["-1", "0", "1", "2", "5"],
            ["--epochs"] = ["-1", "0", "1"],
            ["--lr"] = ["-1", "0", "1e-3", "NaN", "1e400"],
            ["--optimizer"] = ["sgd", "adam", "rmsprop", "lbfgs"],
            ["--tau"] = ["0", "0.01", "1", "2"],
            ["--dataset"] = ["fashion-mnist", "mnist", "cifar10", "imagenet"],
            ["--data"] = [_data, _data, _temp.Path, "/nonexistent"],
            ["--checkpoint"] = paths,
            ["--inputs"] = paths,
            ["--labels"] = paths,
            ["--resume"] = [_temp.Path, "/nonexistent"],
            ["--out"] = [_output, _temp.Path],
            ["--json"] = [Path.Combine(_temp.Path, "out", "report.json")],
            ["--seconds"] = ["-1", "0", "NaN"],
            ["--model"] = [onnx, onnx, state, _checkpoint, "/dev/zero", _temp.Path, ""],
            ["--init"] = [Onnx.OnnxFixtures.Init("bn_relu_mlp"), onnx, _checkpoint, "/nonexistent"],
            ["--init-safetensors"] = [Onnx.OnnxFixtures.File("bn_relu_mlp_state_init.safetensors"), _checkpoint, "/dev/zero"],
            ["--mode"] = ["train", "eval", "test", ""],
            ["--html"] = [reportFile + ".html"],
            ["--md"] = [reportFile + ".md"],
            ["--diagnosis-json"] = [reportFile + ".json"],
            ["--onnx"] = [Path.Combine(_temp.Path, "out", "net.onnx"), _temp.Path],
            ["--branch-layout"] = ["pre", "post", "mid"],
        };
    }

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Numbers =
        ["-1", "0", "1", "2", "3", "8", "100000", "100000000", "2147483648", "NaN", "1e309", "x", ""];

    /// <summary>
    /// Commands fuzzed, with options added when the draw left them out, so most lines get past the parser and a run
    /// stays small: a tiny dataset, shallow networks, one epoch; bench only ever reaches its option checks.
    /// </summary>
    private Dictionary<string, string[]> Fixed => new()
    {
        ["init"] = ["--arch", "relu", "--out", _output, "--depth", "2"],
        ["analyze"] = ["--arch", "relu", "--noise", "4", "--depth", "2", "--width", "3"],
        ["evaluate"] = ["--checkpoint", _checkpoint, "--data", _data],
        ["train"] = ["--arch", "relu", "--data", _data, "--out", _output, "--depth", "2", "--width", "3", "--epochs", "1"],
        ["bench"] = ["--seconds", "-1"],
        ["report"] = [],
        ["status"] = [],
        ["export"] = ["--checkpoint", _checkpoint, "--onnx", Path.Combine(_temp.Path, "out", "net.onnx")],
    };

    private string[] Build(string command, uint[] draws)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        var tree = GradScopeCli.Build(new CliContext(console, TextWriter.Null, interactive: false));
        var options = tree.Subcommands.Single(c => c.Name == command).Options.Where(o => o.Name != "--help").ToList();
        var args = new List<string> { command };
        if (command == "report") args.Add(draws[0] % 2 == 0 ? _temp.Path : "/nonexistent");
        if (command == "status") args.Add(draws[0] % 3 == 0 ? _temp.Path : _sweep);
        for (int i = 0; i < options.Count; i++)
        {
            uint r = draws[i % draws.Length] >> (i / draws.Length);
            if (r % 5 != 0) continue;
            var option = options[i];
            if (option.ValueType == typeof(bool)) { args.Add(option.Name); continue; }
            var values = _values.GetValueOrDefault(option.Name, Numbers);
            args.Add(option.Name);
            args.Add(values[(int)(r / 5 % (uint)values.Length)]);
        }
        foreach (var pair in Fixed[command].Chunk(2))
            if (!args.Contains(pair[0])) args.AddRange(pair);
        return [.. args];
    }

    [Fact]
    public void Option_combinations_never_exit_unexpectedly_and_failures_are_one_line()
    {
        var commands = new[] { "init", "analyze", "evaluate", "train", "bench", "report", "status", "export", "analyze" };
        Gen.Select(Gen.Int[0, commands.Length - 1], Gen.UInt.Array[24]).Select((c, draws) => Build(commands[c], draws)).Sample(args =>
        {
            string scratch = Path.Combine(_temp.Path, "out");
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            var result = CliHarness.Run(args);
            Assert.True(result.ExitCode != ExitCodes.Unexpected, $"unexpected error for {string.Join(' ', args)}: {result.Error}");
            Assert.Contains(result.ExitCode, CliAssert.Documented);
            if (result.ExitCode is ExitCodes.Success or ExitCodes.ParseError) return;
            CliAssert.OneLine(result);
            bool leftBehind = Directory.Exists(scratch) && Directory.EnumerateFileSystemEntries(scratch, "*", SearchOption.AllDirectories)
                .Any(f => File.Exists(f));
            Assert.False(leftBehind, $"{string.Join(' ', args)} failed but left files in {scratch}");
        }, iter: FuzzBudget.Iterations(300), threads: 1, print: args => string.Join(' ', args));
    }
}
