namespace GradScope.Data;

/// <summary>
/// The four standard idx files of an MNIST-style directory, each found under its .gz name or its
/// uncompressed name; <see cref="Missing"/> lists the ones found under neither.
/// </summary>
public sealed record IdxFileSet(
    string? TrainImages, string? TrainLabels, string? TestImages, string? TestLabels, IReadOnlyList<string> Missing)
{
    public const string TrainImagesName = "train-images-idx3-ubyte";
    public const string TrainLabelsName = "train-labels-idx1-ubyte";
    public const string TestImagesName = "t10k-images-idx3-ubyte";
    public const string TestLabelsName = "t10k-labels-idx1-ubyte";

    public bool IsComplete => Missing.Count == 0;

    /// <summary>True when at least one of the four files is present (so the directory is meant to be idx).</summary>
    public bool IsAnyPresent => Missing.Count < 4;

    public static IdxFileSet Find(string directory)
    {
        var missing = new List<string>();
        string? Locate(string baseName)
        {
            foreach (string candidate in new[] { baseName + ".gz", baseName })
            {
                string path = Path.Combine(directory, candidate);
                if (File.Exists(path)) return path;
            }
            missing.Add(baseName + ".gz");
            return null;
        }
        var trainImages = Locate(TrainImagesName);
        var trainLabels = Locate(TrainLabelsName);
        var testImages = Locate(TestImagesName);
        var testLabels = Locate(TestLabelsName);
        return new IdxFileSet(trainImages, trainLabels, testImages, testLabels, missing);
    }
}
