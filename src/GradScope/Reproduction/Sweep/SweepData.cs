using GradScope.Data;
using GradScope.Networks;

namespace GradScope.Reproduction;

/// <summary>The sweep's standardised splits, loaded once per process.</summary>
public sealed record SweepData(DatasetSplits Splits, Standardizer Standardizer, string Description)
{
    public int Features => Splits.Train.Features;
    public int Classes => Splits.Train.Classes;
    /// <summary>What every cell's network is built for.</summary>
    public DataShape Shape => Splits.Train.Shape;

    /// <summary>
    /// Loads the preset's dataset (<paramref name="directory"/> overrides the lookup, as <c>--data</c> does) and standardises it.
    /// </summary>
    public static SweepData Load(DataSpec spec, string? directory)
    {
        DatasetSplits raw;
        string description;
        if (spec.Dataset == SyntheticData.Name)
        {
            raw = SyntheticData.Create(spec.SyntheticTrain, spec.SyntheticTest, spec.SyntheticFeatures, spec.SyntheticClasses,
                spec.SyntheticSeed);
            description = $"{SyntheticData.Name} (generated, seed {spec.SyntheticSeed})";
        }
        else
        {
            var location = DatasetLocator.Locate(spec.Dataset, directory);
            raw = location.Load();
            description = $"{spec.Dataset} from {location.Directory}";
        }
        var (splits, standardizer) = Standardizer.FitTransform(raw);
        return new SweepData(splits, standardizer,
            description + $": {raw.Train.Count:N0} training, {raw.Test.Count:N0} test examples of {raw.Train.Features} features");
    }
}
