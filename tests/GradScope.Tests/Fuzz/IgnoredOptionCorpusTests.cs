using System.CommandLine;
using GradScope.Cli;
using GradScope.Cli.Validation;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using GradScope.Tests.Onnx;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// Options that one path of a command would silently ignore (issue 15, "options silently ignored"), re-audited after
/// ONNX import, Slurm sharding and the diagnosis landed: each combination must exit 2 with one line naming both options
/// and the reason, before anything is read or written.
/// </summary>
public sealed class IgnoredOptionCorpusTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _checkpoint;

    public IgnoredOptionCorpusTests()
    {
        _checkpoint = _temp.File("net.safetensors");
        CliAssert.Succeeds("init", "--arch", "relu", "--depth", "2", "--width", "4", "--input-dim", "4", "--classes", "2",
            "--out", _checkpoint);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>{onnx}, {init}, {state}, {ckpt} and {out} stand for a model, its θ⁰, a state_dict, a checkpoint and an output
    /// file; {lnonnx} for a model without batch norm.</summary>
    private string[] Expand(string line) => line.Split(' ').Select(a => a
        .Replace("{onnx}", OnnxFixtures.Model("bn_relu_mlp"), StringComparison.Ordinal)
        .Replace("{lnonnx}", OnnxFixtures.Model("ln_tanh_mlp"), StringComparison.Ordinal)
        .Replace("{init}", OnnxFixtures.Init("bn_relu_mlp"), StringComparison.Ordinal)
        .Replace("{state}", OnnxFixtures.File("bn_relu_mlp_state.safetensors"), StringComparison.Ordinal)
        .Replace("{ckpt}", _checkpoint, StringComparison.Ordinal)
        .Replace("{out}", _temp.File("out"), StringComparison.Ordinal)).ToArray();

    [Theory]
    // analyze --model: the model fixes the network and reads --inputs or --noise; the diagnosis covers zoo networks.
    [InlineData("analyze --model {onnx} --noise 4 --data /tmp", "--model", "--data")]
    [InlineData("analyze --model {onnx} --noise 4 --dataset mnist", "--model", "--dataset")]
    [InlineData("analyze --model {onnx} --noise 4 --depth 3", "--model", "--depth")]
    [InlineData("analyze --model {onnx} --noise 4 --width 3", "--model", "--width")]
    [InlineData("analyze --model {onnx} --noise 4 --classes 3", "--model", "--classes")]
    [InlineData("analyze --model {onnx} --noise 4 --input-dim 3", "--model", "--input-dim")]
    [InlineData("analyze --model {onnx} --noise 4 --html {out}", "--model", "--html")]
    [InlineData("analyze --model {onnx} --noise 4 --md {out}", "--model", "--md")]
    [InlineData("analyze --model {onnx} --noise 4 --diagnosis-json {out}", "--model", "--diagnosis-json")]
    [InlineData("analyze --model {onnx} --noise 4 --what-if", "--model", "--what-if")]
    [InlineData("analyze --model {onnx} --noise 4 --table", "--model", "--table")]
    [InlineData("analyze --model {onnx} {ckpt} --noise 4", "--model", "CHECKPOINTS")]
    [InlineData("analyze --model {onnx} --checkpoint {ckpt} --noise 4", "--model", "--checkpoint")]
    [InlineData("analyze --model {onnx} --noise 4 --tau 0.3", "--tau", "--init")]
    [InlineData("analyze --model {onnx} --init {init} --init-safetensors {state} --noise 4", "--init", "--init-safetensors")]
    [InlineData("analyze --model {state} --arch batch-relu --mode eval --noise 4", "--mode", "--arch")]
    [InlineData("analyze --model {state} --arch batch-relu --depth 2 --noise 4", "--model", "--depth")]
    [InlineData("analyze --model {lnonnx} --mode eval --noise 4", "--mode eval", "has no batch norm")]
    // analyze of a checkpoint given as an argument: the file fixes the architecture, as with --checkpoint.
    [InlineData("analyze {ckpt} --noise 4 --depth 3", "CHECKPOINTS", "--depth")]
    [InlineData("analyze {ckpt} --noise 4 --classes 3", "CHECKPOINTS", "--classes")]
    [InlineData("analyze --checkpoint {ckpt} --noise 4 --branch-layout post", "--checkpoint", "--branch-layout")]
    [InlineData("analyze --checkpoint {ckpt} {ckpt} --noise 4", "--checkpoint", "CHECKPOINTS")]
    [InlineData("analyze {ckpt} {ckpt} --noise 4 --json {out}", "--json", "--diagnosis-json")]
    [InlineData("analyze {ckpt} {ckpt} --noise 4 --what-if", "--what-if", "one checkpoint")]
    [InlineData("analyze {ckpt} {ckpt} {ckpt} --noise 4", "at most two", "got 3")]
    // A fresh network has no θ⁰, so no effective depth for τ to threshold; own-model options need --model.
    [InlineData("analyze --arch relu --depth 2 --width 3 --noise 4 --input-dim 4 --tau 0.3", "--tau", "θ⁰")]
    [InlineData("analyze --arch relu --noise 4 --init-safetensors {state}", "--init-safetensors", "--model")]
    // Residual-unit options on a plain network.
    [InlineData("init --arch relu --residual-weight 0.5 --out {out}", "--residual-weight", "relu has none")]
    [InlineData("init --arch batch-tanh --unit-size 3 --out {out}", "--unit-size", "batch-tanh has none")]
    [InlineData("train --arch relu --branch-layout post --epochs 1", "--branch-layout", "relu has none")]
    [InlineData("analyze --arch relu --noise 4 --residual-weight 0.5", "--residual-weight", "relu has none")]
    [InlineData("train --resume {out} --branch-layout post", "--resume", "--branch-layout")]
    // reproduce: --plan runs nothing; a Slurm submission builds its report in a dependent job.
    [InlineData("reproduce --plan --preset tiny", "--plan", "--preset")]
    [InlineData("reproduce --plan --out {out}", "--plan", "--out")]
    [InlineData("reproduce --plan --shard 1/2", "--plan", "--shard")]
    [InlineData("reproduce --plan --studies init", "--plan", "--studies")]
    [InlineData("reproduce --slurm --no-report --dry-run --out {out}", "--slurm", "--no-report")]
    public void An_option_a_path_would_ignore_is_an_error_naming_it(string line, string first, string second)
    {
        var result = CliAssert.Fails(ExitCodes.InvalidArguments, Expand(line), first, second);
        Assert.False(File.Exists(_temp.File("out")) || Directory.Exists(_temp.File("out")), "a refused command wrote its output");
        Assert.DoesNotContain("error: error", result.Error);
    }

    [Theory]
    [InlineData("analyze --model {onnx} --init {init} --noise 4 --tau 0.3")]
    [InlineData("analyze --checkpoint {ckpt} --noise 4 --tau 0.3")]
    [InlineData("init --arch resnet-relu --depth 4 --width 3 --residual-weight 0.5 --branch-layout post --out {out}")]
    public void The_same_options_where_they_are_used_still_work(string line) => CliAssert.Succeeds(Expand(line));

    [Fact]
    public void Two_checkpoints_of_different_shapes_are_a_data_error_naming_the_second()
    {
        string other = _temp.File("wide.safetensors");
        CliAssert.Succeeds("init", "--arch", "relu", "--depth", "2", "--width", "4", "--input-dim", "5", "--classes", "2", "--out", other);
        CliAssert.Fails(ExitCodes.DataError, Expand($"analyze {{ckpt}} {other} --noise 4"), "wide.safetensors", "5 inputs",
            "cannot be compared");
    }

    /// <summary>A rule naming an option its command does not have would never fire: every name must exist.</summary>
    [Fact]
    public void Every_rule_names_options_its_command_has()
    {
        var root = GradScopeCli.Build(new CliContext(Spectre.Console.AnsiConsole.Console, TextWriter.Null, interactive: false));
        foreach (var rule in OptionRules.All)
        {
            var command = root.Subcommands.Single(c => c.Name == rule.Command);
            var names = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).Concat(command.Arguments.Select(a => a.Name)).ToHashSet();
            foreach (string name in rule.Others.Append(rule.Option))
                Assert.True(names.Contains(name), $"{rule.Command} has no {name}");
        }
        foreach (var rule in OptionRules.Values)
            foreach (string command in rule.Commands)
                Assert.Contains(root.Subcommands, c => c.Name == command);
    }
}
