using System.Globalization;
using System.Text.Json;

namespace GradScope.Training;

/// <summary>Naming and reading of run directories (layout in docs/run-format.md).</summary>
public static class RunDirectory
{
    /// <summary>e.g. <c>batch-relu-d50-w100-adam-lr0.001-s1</c>.</summary>
    public static string DefaultName(TrainingConfig config) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{config.Architecture.Name}-d{config.Architecture.LinearLayers}-w{config.Architecture.Width}-{Optimizer<float>.KindName(config.Optimizer)}-lr{config.LearningRate:G4}-s{config.Seed}");

    public static TrainingConfig ReadConfig(string runDirectory)
    {
        string path = Path.Combine(runDirectory, Trainer.ConfigFile);
        if (!File.Exists(path)) throw new ArgumentException($"{runDirectory} is not a run directory: {Trainer.ConfigFile} is missing.");
        try
        {
            return (JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(path), JsonDefaults.Options)
                ?? throw new JsonException("empty")).Validate();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid run configuration ({e.Message}).", e);
        }
    }
}
