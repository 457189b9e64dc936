using GradScope.Data;
using GradScope.Tensors;

namespace GradScope.Reproduction;

/// <summary>
/// Learnable generated data for test-size sweeps: each class has a random centre, and an example is its
/// class centre plus standard Gaussian noise (centres at distance ≈ 1.5 per feature keep the task
/// non-trivial but learnable). Fully determined by the seed; needs no files.
/// </summary>
public static class SyntheticData
{
    public const string Name = "synthetic-clusters";

    public static DatasetSplits Create(DataSpec spec)
    {
        var rng = Rng.ForStream(spec.SyntheticSeed, CentresStream);
        var centres = new double[spec.SyntheticClasses, spec.SyntheticFeatures];
        for (int c = 0; c < spec.SyntheticClasses; c++)
            for (int j = 0; j < spec.SyntheticFeatures; j++)
                centres[c, j] = 0.5 * rng.NextGaussian();
        return new DatasetSplits(
            Split("train", spec.SyntheticTrain, spec, centres, spec.SyntheticSeed),
            Split("test", spec.SyntheticTest, spec, centres, spec.SyntheticSeed + 1));
    }

    private static Dataset Split(string split, int count, DataSpec spec, double[,] centres, ulong seed)
    {
        var noise = GaussianNoise.Create(count, spec.SyntheticFeatures, seed, spec.SyntheticClasses);
        var inputs = noise.Inputs;
        for (int i = 0; i < count; i++)
        {
            var row = inputs.Row(i);
            for (int j = 0; j < row.Length; j++) row[j] += (float)centres[noise.Labels[i], j];
        }
        return new Dataset($"{Name}-{split}", inputs, noise.Labels, spec.SyntheticClasses);
    }

    private const ulong CentresStream = 0x4345_4E54_5245UL; // "CENTRE"
}

/// <summary>The sweep's standardised splits, loaded once per process.</summary>
public sealed record SweepData(DatasetSplits Splits, Standardizer Standardizer, string Description)
{
    public int Features => Splits.Train.Features;
    public int Classes => Splits.Train.Classes;

    /// <summary>Loads the preset's dataset (<paramref name="directory"/> overrides the lookup, as <c>--data</c> does) and standardises it.</summary>
    public static SweepData Load(DataSpec spec, string? directory)
    {
        DatasetSplits raw;
        string description;
        if (spec.Dataset == SyntheticData.Name)
        {
            raw = SyntheticData.Create(spec);
            description = $"{SyntheticData.Name} (generated, seed {spec.SyntheticSeed})";
        }
        else
        {
            var location = DatasetLocator.Locate(spec.Dataset, directory);
            raw = location.Load();
            description = $"{spec.Dataset} from {location.Directory}";
        }
        var (splits, standardizer) = Standardizer.FitTransform(raw);
        return new SweepData(splits, standardizer, description + $": {raw.Train.Count:N0} training, {raw.Test.Count:N0} test examples of {raw.Train.Features} features");
    }
}
