using System.Text.Json.Nodes;
using GradScope.Cli;
using GradScope.Diagnostics;
using GradScope.Tests.Diagnostics;
using GradScope.Tests.Data;
using GradScope.Training;

namespace GradScope.Tests.Cli;

public class TrainCommandTests
{
    private static string[] Train(string dataDir, string outDir, int epochs = 2) =>
        ["train", "--arch", "relu", "--depth", "3", "--width", "8", "--epochs", $"{epochs}", "--batch", "16", "--data", dataDir,
            "--out", outDir];

    [Fact]
    public void Trains_writes_a_run_directory_and_resumes_it()
    {
        using var temp = new TempDirectory();
        string data = temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(data, trainCount: 64, testCount: 20, gzip: true);
        string run = Path.Combine(temp.Path, "run");

        var first = CliHarness.Run(Train(data, run, epochs: 1));
        Assert.True(first.ExitCode == ExitCodes.Success, first.Error);
        string[] files = [RunDirectory.ConfigFile, RunDirectory.StateFile, RunDirectory.MetricsFile, RunDirectory.CheckpointFile];
        foreach (var file in files)
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.Contains("epoch   1", first.Output);

        // --resume continues the stored configuration; --epochs raises the planned total.
        var resumed = CliHarness.Run("train", "--resume", run, "--epochs", "2");
        Assert.True(resumed.ExitCode == ExitCodes.Success, resumed.Error);
        Assert.Equal(2, new RunDirectory(run).ReadState()!.EpochsCompleted);
        Assert.Equal([1, 2], new RunDirectory(run).ReadMetrics().Select(m => m.Epoch));

        var evaluated = CliHarness.Run("evaluate", "--checkpoint", new RunDirectory(run).CheckpointPath, "--data", data);
        Assert.True(evaluated.ExitCode == ExitCodes.Success, evaluated.Error);
        Assert.Contains("train", evaluated.Output);
        Assert.Contains("test", evaluated.Output);
    }

    [Fact]
    public void Diagnose_every_writes_the_documented_diagnostics_report_into_metrics_jsonl()
    {
        using var temp = new TempDirectory();
        string data = temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(data, trainCount: 64, testCount: 20, gzip: true);
        string run = Path.Combine(temp.Path, "run");
        var result = CliHarness.Run([.. Train(data, run, epochs: 1), "--diagnose-every", "1"]);
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);

        var golden = JsonShape.Golden(JsonShape.DiagnosticsReportGolden).Select(line => line.Split(':')[0]).ToHashSet();
        var lines = File.ReadAllLines(new RunDirectory(run).MetricsPath).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal([0, 1], lines.Select(l => l["epoch"]!.GetValue<int>()));
        foreach (var line in lines)
        {
            var node = line["diagnostics"]!;
            Assert.Equal(DiagnosticsReport.CurrentSchemaVersion, node["schema_version"]!.GetValue<int>());
            Assert.All(JsonShape.Of(node), path => Assert.Contains(path.Split(':')[0], golden));
            // Written unchanged: the typed report reads back and writes the same JSON.
            Assert.Equal(node.ToJsonString(), DiagnosticsReport.FromJson(node.ToJsonString()).ToJson(indented: false));
        }
        Assert.Equal(1, new RunDirectory(run).ReadMetrics()[1].Diagnostics!.Epoch);
    }

    [Fact]
    public void Unknown_architecture_is_one_line_and_exit_code_2()
    {
        var result = CliHarness.Run("train", "--arch", "nonsense");
        Assert.Equal(ExitCodes.InvalidArguments, result.ExitCode);
        Assert.StartsWith("gradscope: error: Unknown architecture 'nonsense'", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Negative_learning_rate_is_rejected()
    {
        var result = CliHarness.Run("train", "--arch", "relu", "--lr", "-1");
        Assert.Equal(ExitCodes.InvalidArguments, result.ExitCode);
        Assert.Contains("--lr must be a positive number", result.Error);
    }

    [Fact]
    public void Truncated_gzip_is_a_data_error()
    {
        using var temp = new TempDirectory();
        string data = temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(data, trainCount: 64, testCount: 20, gzip: true);
        string images = Path.Combine(data, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);
        var result = CliHarness.Run(Train(data, Path.Combine(temp.Path, "run")));
        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.Contains("train-images-idx3-ubyte.gz", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Wrong_magic_number_is_a_data_error()
    {
        using var temp = new TempDirectory();
        string data = temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(data, trainCount: 64, testCount: 20, gzip: false);
        string labels = Path.Combine(data, "train-labels-idx1-ubyte");
        var bytes = File.ReadAllBytes(labels);
        bytes[3] = 0x99;
        File.WriteAllBytes(labels, bytes);
        var result = CliHarness.Run(Train(data, Path.Combine(temp.Path, "run")));
        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.Contains("magic", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Missing_dataset_says_how_to_get_it()
    {
        using var temp = new TempDirectory();
        var result = CliHarness.Run(Train(temp.Subdirectory("empty"), Path.Combine(temp.Path, "run")));
        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.Contains("--data", result.Error);
    }

    [Fact]
    public void Init_writes_an_untrained_checkpoint_that_loads_back()
    {
        using var temp = new TempDirectory();
        string file = temp.File("net.safetensors");
        var result = CliHarness.Run("init", "--arch", "resnet-batch-relu", "--depth", "5", "--width", "8", "--input-dim", "12",
            "--seed", "3", "--out", file);
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        var checkpoint = Checkpoint.Load(file);
        Assert.Equal(12, checkpoint.Architecture.InputDim);
        Assert.True(checkpoint.Parameters[0].Span.SequenceEqual(checkpoint.InitialParameters[0].Span));
    }

    [Fact]
    public void Corrupt_checkpoint_is_a_data_error()
    {
        using var temp = new TempDirectory();
        string file = temp.File("bad.safetensors");
        File.WriteAllBytes(file, [1, 2, 3]);
        var result = CliHarness.Run("evaluate", "--checkpoint", file);
        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.Contains("bad.safetensors", result.Error);
    }
}
