
namespace GradScope.Training;

/// <summary>
/// A run is resumed from config.json and its last checkpoint; when the two disagree (config.json edited after
/// training began) the resumed run would silently mix two settings. Every setting that changes the result must
/// match; only the planned epochs (--epochs), the data directory and the diagnostics schedule may change.
/// </summary>
internal static class ResumeConsistency
{
    public static void Check(TrainingConfig config, Checkpoint checkpoint, string checkpointPath)
    {
        string name = Path.GetFileName(checkpointPath);
        if (checkpoint.Architecture != config.Architecture)
            throw Mismatch(name, "architecture", config.Architecture.ToString(), checkpoint.Architecture.ToString());
        if (checkpoint.State is { } state)
        {
            if (state.Optimizer != config.Optimizer) throw Mismatch(name, "optimizer", config.Optimizer, state.Optimizer);
            if (state.LearningRate != config.LearningRate) throw Mismatch(name, "learning_rate", config.LearningRate, state.LearningRate);
            if (state.Seed != config.Seed) throw Mismatch(name, "seed", config.Seed, state.Seed);
        }
        if (checkpoint.Config is { } trained)
        {
            var comparable = trained with
            {
                Epochs = config.Epochs, DataDirectory = config.DataDirectory, DiagnoseEvery = config.DiagnoseEvery,
            };
            if (comparable != config)
            {
                var field = typeof(TrainingConfig).GetProperties()
                    .First(p => !Equals(p.GetValue(comparable), p.GetValue(config)));
                throw Mismatch(name, JsonDefaults.Options.PropertyNamingPolicy!.ConvertName(field.Name),
                    field.GetValue(config), field.GetValue(comparable));
            }
        }
    }

    private static ArgumentException Mismatch(string checkpoint, string field, object? config, object? stored) =>
        new($"config.json says {field} {Show(config)} but {checkpoint} was trained with {Show(stored)}; restore config.json " +
            "or start a new run with --out.");

    private static string Show(object? value) => value switch
    {
        null => "none",
        OptimizerKind kind => Optimizer<float>.KindName(kind),
        double d => d.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
