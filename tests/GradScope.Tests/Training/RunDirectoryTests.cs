using System.Text.Json;
using GradScope.Data;
using GradScope.Networks;
using GradScope.Tests.Data;
using GradScope.Training;

namespace GradScope.Tests.Training;

/// <summary>Run files: one optimizer spelling with the command line, documented status strings, clear errors on corrupt files.</summary>
public class RunDirectoryTests
{
    private static TrainingConfig Config(OptimizerKind optimizer) => new()
    {
        Architecture = ArchitectureSpec.Create("relu", new DataShape(8, 3), new NetworkSizes { LinearLayers = 3, Width = 8 }),
        Optimizer = optimizer,
        Epochs = 1,
    };

    [Theory]
    [InlineData(OptimizerKind.Sgd, "sgd")]
    [InlineData(OptimizerKind.Momentum, "momentum")]
    [InlineData(OptimizerKind.Adam, "adam")]
    [InlineData(OptimizerKind.RmsProp, "rmsprop")]
    public void Files_spell_optimizers_as_the_command_line_does(OptimizerKind kind, string name)
    {
        using var temp = new TempDirectory();
        var run = new RunDirectory(temp.Path);
        run.Start(Config(kind));
        Assert.Contains($"\"optimizer\": \"{name}\"", File.ReadAllText(run.ConfigPath));
        Assert.Equal(kind, Optimizer<float>.ParseKind(name));
        Assert.Equal(kind, run.ReadConfig().Optimizer);
    }

    [Fact]
    public void Configurations_written_with_the_old_rms_prop_spelling_still_read()
    {
        using var temp = new TempDirectory();
        var run = new RunDirectory(temp.Path);
        run.Start(Config(OptimizerKind.RmsProp));
        void Respell(string from, string to)
        {
            string config = File.ReadAllText(run.ConfigPath);
            File.WriteAllText(run.ConfigPath, config.Replace($"\"{from}\"", $"\"{to}\"", StringComparison.Ordinal));
        }
        Respell("rmsprop", "rms_prop");
        Assert.Equal(OptimizerKind.RmsProp, run.ReadConfig().Optimizer);

        Respell("rms_prop", "adagrad");
        var e = Assert.Throws<InvalidDataException>(() => run.ReadConfig());
        Assert.Contains(run.ConfigPath, e.Message);
        Assert.Contains("adagrad", e.Message);
    }

    [Fact]
    public void Status_names_are_the_documented_json_strings()
    {
        foreach (var status in Enum.GetValues<RunStatus>())
            Assert.Equal($"\"{status.Name()}\"", JsonSerializer.Serialize(status, JsonDefaults.Options));
        foreach (var status in Enum.GetValues<EpochStatus>())
            Assert.Equal($"\"{status.Name()}\"", JsonSerializer.Serialize(status, JsonDefaults.Options));
        Assert.Equal(["running", "completed", "diverged"], Enum.GetValues<RunStatus>().Select(s => s.Name()));
        Assert.Equal(["ok", "diverged"], Enum.GetValues<EpochStatus>().Select(s => s.Name()));
    }

    [Fact]
    public void A_corrupt_metrics_line_names_the_file_and_line()
    {
        using var temp = new TempDirectory();
        var run = new RunDirectory(temp.Path);
        run.Start(Config(OptimizerKind.Adam));
        run.AppendMetrics(new EpochMetrics { Epoch = 1, TrainLoss = 0.5 });
        File.AppendAllText(run.MetricsPath, "{\"epoch\": 2, \"train_lo\n");
        // A torn last line is dropped (issue 15: a resume recomputes it); the same line before another is corruption.
        Assert.Equal([1], run.ReadMetrics().Select(m => m.Epoch));
        run.AppendMetrics(new EpochMetrics { Epoch = 3, TrainLoss = 0.4 });
        var e = Assert.Throws<InvalidDataException>(() => run.ReadMetrics());
        Assert.Contains($"{run.MetricsPath}, line 2", e.Message);
    }
}
