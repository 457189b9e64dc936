using Spectre.Console;
using GradScope.Data;

namespace GradScope.Cli.Commands;

internal static class DataLoading
{
    /// <summary>Finds and reads a dataset, then standardises both splits with the training split's statistics (SPEC §3).</summary>
    public static (DatasetSplits Splits, Standardizer Standardizer) Load(string dataset, string? directory, CliContext context)
    {
        var location = DatasetLocator.Locate(dataset, directory);
        var raw = location.Load();
        context.Console.WriteLine($"{dataset}: {raw.Train.Count:N0} training and {raw.Test.Count:N0} test examples " +
            $"of {raw.Train.Features} features from {location.Directory}");
        return Standardizer.FitTransform(raw);
    }
}
