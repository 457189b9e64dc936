using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// Learnable generated data for test-size sweeps: each class has a random centre, and an example is its
/// class centre plus standard Gaussian noise (centres at distance ≈ 1.5 per feature keep the task
/// non-trivial but learnable). Fully determined by the seed; needs no files.
/// </summary>
public static class SyntheticData
{
    public const string Name = "synthetic-clusters";

    public static DatasetSplits Create(int trainCount, int testCount, int features, int classes, ulong seed)
    {
        var rng = Rng.ForStream(seed, CentresStream);
        var centres = new double[classes, features];
        for (int c = 0; c < classes; c++)
            for (int j = 0; j < features; j++)
                centres[c, j] = 0.5 * rng.NextGaussian();
        return new DatasetSplits(
            Split("train", trainCount, features, classes, centres, seed),
            Split("test", testCount, features, classes, centres, seed + 1));
    }

    private static Dataset Split(string split, int count, int features, int classes, double[,] centres, ulong seed)
    {
        var noise = GaussianNoise.Create(count, features, seed, classes);
        var inputs = noise.Inputs;
        for (int i = 0; i < count; i++)
        {
            var row = inputs.Row(i);
            for (int j = 0; j < row.Length; j++) row[j] += (float)centres[noise.Labels[i], j];
        }
        return new Dataset($"{Name}-{split}", inputs, noise.Labels, classes);
    }

    private const ulong CentresStream = 0x4345_4E54_5245UL; // "CENTRE"
}
