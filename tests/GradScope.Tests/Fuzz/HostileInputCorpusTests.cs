using System.Text.Json;
using GradScope.Cli;
using GradScope.IO;
using GradScope.Tensors;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using GradScope.Training;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// The fixed regression corpus of issue 15: every hostile or careless input the issue found, each run through the
/// real command line, with the exit code and the one line it must produce. None may give numbers, a trace or lost work.
/// </summary>
public sealed class HostileInputCorpusTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Init(string arch = "relu", int depth = 3, int width = 16, int inputDim = 784)
    {
        string path = _temp.File($"{arch}-{Guid.NewGuid():N}.safetensors");
        CliAssert.Succeeds("init", "--arch", arch, "--depth", $"{depth}", "--width", $"{width}", "--input-dim", $"{inputDim}",
            "--out", path);
        return path;
    }

    private static string[] Analyze(string checkpoint) => ["analyze", "--checkpoint", checkpoint, "--noise", "8"];

    // ---- Numbers from bad input -------------------------------------------------------------------------

    [Fact]
    public void Transposed_weight_is_rejected_by_its_full_shape()
    {
        string path = Init();
        CheckpointSurgery.Edit(path, "blocks.0.linear.weight", t => t with { Shape = [t.Shape[1], t.Shape[0]] });
        CliAssert.Fails(ExitCodes.DataError, Analyze(path), "blocks.0.linear.weight", "[784, 16]", "[16, 784]");
    }

    [Theory]
    [InlineData("blocks.1.linear.weight", float.NaN, "index [2, 5]")]
    [InlineData("init.blocks.0.linear.bias", float.PositiveInfinity, "index 7")]
    [InlineData("output.weight", float.NegativeInfinity, "index [0, 3]")]
    public void Non_finite_parameters_are_rejected_naming_tensor_and_index(string tensor, float value, string where)
    {
        string path = Init();
        CheckpointSurgery.Edit(path, tensor, t =>
        {
            var data = (float[])t.Data.Clone();
            int index = t.Shape.Length == 2 ? (where == "index [2, 5]" ? 2 * t.Shape[1] + 5 : 3) : 7;
            data[index] = value;
            return t with { Data = data };
        });
        CliAssert.Fails(ExitCodes.DataError, Analyze(path), tensor, where, "finite");
    }

    [Fact]
    public void Negative_running_variance_is_rejected()
    {
        string path = Init("batch-relu");
        CheckpointSurgery.Edit(path, "blocks.1.norm.running_var", t =>
        {
            var data = (float[])t.Data.Clone();
            data[4] = -0.5f;
            return t with { Data = data };
        });
        CliAssert.Fails(ExitCodes.DataError, Analyze(path), "blocks.1.norm.running_var", "negative variance", "index 4");
    }

    [Fact]
    public void Non_finite_inputs_are_rejected_naming_the_element()
    {
        var x = new Matrix<float>(4, 5);
        for (int i = 0; i < x.Length; i++) x.Span[i] = i * 0.1f;
        x[2, 3] = float.NaN;
        string inputs = _temp.File("x.npy");
        Npy.WriteMatrix(inputs, x);
        CliAssert.Fails(ExitCodes.DataError, ["analyze", "--arch", "relu", "--depth", "2", "--width", "4", "--inputs", inputs],
            "x.npy", "element (2, 3)", "finite");
    }

    [Fact]
    public void Metadata_depth_that_disagrees_with_the_stored_blocks_is_an_error()
    {
        string path = Init(depth: 4);
        CheckpointSurgery.EditMetadata(path, "architecture", json => json.Replace("\"depth\":4", "\"depth\":3"));
        CliAssert.Fails(ExitCodes.DataError, Analyze(path), "not part of the architecture", "disagree");
    }

    [Fact]
    public void Config_metadata_that_disagrees_with_the_architecture_is_an_error()
    {
        string data = IdxData();
        string run = _temp.File("run");
        CliAssert.Succeeds(TinyTrain(data, run, epochs: 1));
        string path = Path.Combine(run, RunDirectory.CheckpointFile);
        CheckpointSurgery.EditMetadata(path, "config", json => json.Replace("\"width\":4", "\"width\":5"));
        CliAssert.Fails(ExitCodes.DataError, Analyze(path), "'config' metadata", "disagree");
    }

    [Fact]
    public void Unknown_format_version_is_an_error()
    {
        string path = Init();
        CheckpointSurgery.EditMetadata(path, "format", _ => "gradscope-checkpoint/2");
        CliAssert.Fails(ExitCodes.DataError, Analyze(path), "gradscope-checkpoint/2", Checkpoint.Format);
    }

    [Fact]
    public void Batch_norm_with_batch_1_is_rejected()
    {
        string data = IdxData();
        CliAssert.Fails(ExitCodes.InvalidArguments,
            ["train", "--arch", "batch-relu", "--depth", "2", "--width", "4", "--batch", "1", "--data", data, "--out", _temp.File("run")],
            "batch norm needs --batch of at least 2");
        Assert.False(Directory.Exists(_temp.File("run")));
    }

    [Fact]
    public void Batch_norm_with_a_last_batch_of_one_example_is_rejected()
    {
        string data = IdxData(trainCount: 33);
        CliAssert.Fails(ExitCodes.InvalidArguments,
            ["train", "--arch", "batch-relu", "--depth", "2", "--width", "4", "--batch", "16", "--epochs", "1", "--data", data,
             "--out", _temp.File("run")], "last mini-batch of 1 example");
    }

    [Fact]
    public void Empty_test_split_prints_no_NaN()
    {
        string data = IdxData(testCount: 0);
        var result = CliAssert.Succeeds("train", "--arch", "relu", "--depth", "2", "--width", "4", "--epochs", "1", "--batch", "16",
            "--data", data, "--out", _temp.File("run"));
        Assert.DoesNotContain("NaN", result.Output);
        Assert.Contains("test err —", result.Output);
    }

    // ---- Options silently ignored -------------------------------------------------------------------------

    [Fact]
    public void Labels_with_noise_is_an_error_with_the_reason() =>
        CliAssert.Fails(ExitCodes.InvalidArguments, ["analyze", "--arch", "relu", "--noise", "8", "--labels", "y.npy"],
            "--labels needs --inputs", "--noise draws its own labels");

    [Theory]
    [InlineData("--arch", "tanh")]
    [InlineData("--lr", "0.1")]
    [InlineData("--out", "elsewhere")]
    public void Resume_with_a_setting_is_an_error(string option, string value) =>
        CliAssert.Fails(ExitCodes.InvalidArguments, ["train", "--resume", _temp.Path, option, value],
            $"--resume cannot be combined with {option}", "config.json");

    [Theory]
    [InlineData("--depth", "5")]
    [InlineData("--width", "5")]
    [InlineData("--classes", "5")]
    public void Checkpoint_with_architecture_options_is_an_error(string option, string value) =>
        CliAssert.Fails(ExitCodes.InvalidArguments, ["analyze", "--checkpoint", "any.safetensors", "--noise", "8", option, value],
            $"--checkpoint cannot be combined with {option}", "the checkpoint fixes the architecture");

    [Fact]
    public void Input_dim_with_inputs_is_an_error()
    {
        string inputs = _temp.File("x.npy");
        Npy.WriteMatrix(inputs, new Matrix<float>(4, 100));
        CliAssert.Fails(ExitCodes.InvalidArguments, ["analyze", "--arch", "relu", "--inputs", inputs, "--input-dim", "784"],
            "--input-dim needs --noise", "the data fixes the input size");
    }

    [Theory]
    [InlineData("optimizer", "\"sgd\"", "optimizer sgd", "adam")]
    [InlineData("seed", "7", "seed 7", "1")]
    [InlineData("train_subset", "40", "train_subset 40", "none")]
    public void Edited_config_json_disagreeing_with_the_checkpoint_is_an_error(string key, string value, string says, string trained)
    {
        string data = IdxData();
        string run = _temp.File("run");
        CliAssert.Succeeds(TinyTrain(data, run, epochs: 1));
        string config = Path.Combine(run, RunDirectory.ConfigFile);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!;
        json[key] = System.Text.Json.Nodes.JsonNode.Parse(value);
        File.WriteAllText(config, json.ToJsonString());
        CliAssert.Fails(ExitCodes.InvalidArguments, ["train", "--resume", run, "--epochs", "2"],
            $"config.json says {says}", $"trained with {trained}");
    }

    [Fact]
    public void Edited_config_json_width_names_the_difference()
    {
        string data = IdxData();
        string run = _temp.File("run");
        CliAssert.Succeeds(TinyTrain(data, run, epochs: 1));
        string config = Path.Combine(run, RunDirectory.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"width\": 4", "\"width\": 5"));
        CliAssert.Fails(ExitCodes.InvalidArguments, ["train", "--resume", run, "--epochs", "2"], "width 5", "width 4");
    }

    // ---- Crashes ------------------------------------------------------------------------------------------

    [Fact]
    public void Huge_width_says_how_much_memory_it_would_need()
    {
        CliAssert.Fails(ExitCodes.InvalidArguments, ["init", "--arch", "relu", "--width", "100000", "--out", _temp.File("w.safetensors")],
            "would need", "GB of memory");
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Huge_class_count_says_how_much_memory_it_would_need() =>
        CliAssert.Fails(ExitCodes.InvalidArguments, ["analyze", "--arch", "relu", "--noise", "8", "--classes", "100000000"],
            "100000000 classes", "would need");

    [Fact]
    public void Torn_last_metrics_line_is_dropped_and_its_epoch_recomputed()
    {
        string data = IdxData();
        string run = _temp.File("run");
        CliAssert.Succeeds(TinyTrain(data, run, epochs: 2));
        string metrics = Path.Combine(run, RunDirectory.MetricsFile);
        var whole = new RunDirectory(run).ReadMetrics();
        string text = File.ReadAllText(metrics);
        File.WriteAllText(metrics, text[..(text.Length - 25)]);

        CliAssert.Succeeds("train", "--resume", run, "--epochs", "3");
        var after = new RunDirectory(run).ReadMetrics();
        Assert.Equal([1, 2, 3], after.Select(m => m.Epoch));
        // Epoch 2's evaluation is recomputed from its checkpoint; its running mini-batch averages are lost.
        Assert.Equal(whole[1].TrainError, after[1].TrainError);
        Assert.Equal(whole[1].TestError, after[1].TestError);
        Assert.True(double.IsNaN(after[1].TrainLoss));
        Assert.Equal(whole[0], after[0]);
    }

    [Fact]
    public void Corrupt_metrics_line_before_the_last_is_a_data_error()
    {
        string data = IdxData();
        string run = _temp.File("run");
        CliAssert.Succeeds(TinyTrain(data, run, epochs: 2));
        string metrics = Path.Combine(run, RunDirectory.MetricsFile);
        File.WriteAllText(metrics, "{\"epoch\": 1, \"train_lo\n" + File.ReadAllText(metrics));
        CliAssert.Fails(ExitCodes.DataError, ["train", "--resume", run, "--epochs", "3"], "metrics.jsonl", "line 1");
    }

    [Fact]
    public void Dev_zero_as_checkpoint_is_a_data_error_not_out_of_memory()
    {
        if (!File.Exists("/dev/zero")) return;
        CliAssert.Fails(ExitCodes.DataError, Analyze("/dev/zero"), "zero", "truncated");
        CliAssert.Fails(ExitCodes.DataError, ["evaluate", "--checkpoint", "/dev/zero"], "truncated");
    }

    [Fact]
    public void Directory_as_checkpoint_says_it_is_a_directory() =>
        CliAssert.Fails(ExitCodes.DataError, Analyze(_temp.Path), "is a directory");

    [Fact]
    public void Directory_as_inputs_says_it_is_a_directory() =>
        CliAssert.Fails(ExitCodes.DataError, ["analyze", "--arch", "relu", "--inputs", _temp.Path], "is a directory");

    // ---- Lost work ----------------------------------------------------------------------------------------

    [Fact]
    public void Train_out_refuses_an_existing_run_unless_overwrite()
    {
        string data = IdxData();
        string run = _temp.File("run");
        CliAssert.Succeeds(TinyTrain(data, run, epochs: 1));
        byte[] checkpoint = File.ReadAllBytes(Path.Combine(run, RunDirectory.CheckpointFile));

        CliAssert.Fails(ExitCodes.InvalidArguments, TinyTrain(data, run, epochs: 2),
            "already holds a completed run", "--resume", "--overwrite");
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(run, RunDirectory.CheckpointFile)));

        CliAssert.Succeeds([.. TinyTrain(data, run, epochs: 2), "--overwrite"]);
        Assert.Equal(2, new RunDirectory(run).ReadState()!.EpochsCompleted);
    }

    [Fact]
    public void Epochs_0_does_not_claim_a_checkpoint()
    {
        string data = IdxData();
        var result = CliAssert.Succeeds(TinyTrain(data, _temp.File("run"), epochs: 0));
        Assert.DoesNotContain(RunDirectory.CheckpointFile, result.Output);
        Assert.Contains("no checkpoint was written", result.Output);
    }

    // ---- Unclear ------------------------------------------------------------------------------------------

    [Fact]
    public void Unknown_dataset_is_an_option_error() =>
        CliAssert.Fails(ExitCodes.InvalidArguments, ["train", "--arch", "relu", "--dataset", "imagenet"], "unknown dataset 'imagenet'");

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void Impossible_class_count_is_named_not_out_of_range(string classes)
    {
        var result = CliAssert.Fails(ExitCodes.InvalidArguments,
            ["analyze", "--arch", "relu", "--noise", "8", "--classes", classes], "--classes");
        Assert.DoesNotContain("Specified argument", result.Error);
    }

    private static string[] TinyTrain(string data, string run, int epochs) =>
        ["train", "--arch", "relu", "--depth", "2", "--width", "4", "--epochs", $"{epochs}", "--batch", "16", "--data", data, "--out", run];

    private string IdxData(int trainCount = 64, int testCount = 20)
    {
        string data = _temp.Subdirectory($"data-{Guid.NewGuid():N}");
        IdxTestFiles.WriteDirectory(data, trainCount, testCount, gzip: false);
        return data;
    }
}
