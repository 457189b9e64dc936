using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// The binary version of CIFAR-10: fixed-size records of one label byte followed by 3072 pixel
/// bytes (1024 red, 1024 green, 1024 blue, each 32×32 row-major). Training data is spread over
/// data_batch_1..5.bin, test data is test_batch.bin.
/// </summary>
public static class Cifar10Reader
{
    public const int Classes = 10;
    public const int PixelsPerImage = 3 * 32 * 32;
    public const int RecordLength = 1 + PixelsPerImage;

    public static readonly ImageShape Shape = new(3, 32, 32);

    public static readonly IReadOnlyList<string> TrainFileNames =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    public const string TestFileName = "test_batch.bin";

    /// <summary>The archive unpacks into this subdirectory; pointing at its parent works too.</summary>
    public const string ArchiveSubdirectory = "cifar-10-batches-bin";

    /// <summary>Reads batch files (in order, as one dataset) into pixels in [0, 1] (channel-major rows) and labels.</summary>
    public static Dataset ReadBatches(string name, IReadOnlyList<string> paths)
    {
        // Validate every length before allocating: the five training batches alone are 600 MB as floats,
        // so the rows are decoded straight into one matrix rather than concatenated afterwards.
        var counts = paths.Select(CountRecords).ToArray();
        int total = checked((int)counts.Sum());
        var pixels = new Matrix<float>(total, PixelsPerImage);
        var labels = new int[total];
        int offset = 0;
        for (int f = 0; f < paths.Count; f++)
        {
            ReadRecordsInto(paths[f], counts[f], pixels, labels, offset);
            offset += (int)counts[f];
        }
        return new Dataset(name, pixels, labels, Classes, Shape);
    }

    public static Dataset ReadBatch(string path, string? name = null) =>
        ReadBatches(name ?? Path.GetFileNameWithoutExtension(path), [path]);

    /// <summary>
    /// Where the batch files are: <paramref name="directory"/> itself or its cifar-10-batches-bin subdirectory; null if neither.
    /// </summary>
    public static string? FindBatchDirectory(string directory)
    {
        foreach (string candidate in new[] { directory, Path.Combine(directory, ArchiveSubdirectory) })
        {
            if (File.Exists(Path.Combine(candidate, TrainFileNames[0])) || File.Exists(Path.Combine(candidate, TestFileName)))
                return candidate;
        }
        return null;
    }

    /// <summary>Loads the five training batches (concatenated in order) and the test batch.</summary>
    public static DatasetSplits LoadDirectory(string directory, string name = "cifar10")
    {
        string batches = FindBatchDirectory(directory) ?? directory;
        var missing = TrainFileNames.Append(TestFileName).Where(f => !File.Exists(Path.Combine(batches, f))).ToList();
        if (missing.Count > 0)
        {
            throw new DatasetNotFoundException(
                $"{batches}: missing CIFAR-10 file(s) {string.Join(", ", missing)}; " +
                "download the binary version elsewhere and pass --data DIR");
        }
        return new DatasetSplits(
            ReadBatches($"{name}/train", TrainFileNames.Select(f => Path.Combine(batches, f)).ToList()),
            ReadBatches($"{name}/test", [Path.Combine(batches, TestFileName)]));
    }

    private static long CountRecords(string path)
    {
        using var file = DataFileReader.Open(path);
        long length = file.RawLength
            ?? throw DataFormatException.InFile(path, "gzip-compressed; decompress the CIFAR-10 binary batches first");
        if (length == 0)
            throw DataFormatException.InFile(path, "empty file");
        if (length % RecordLength != 0)
        {
            throw DataFormatException.InFile(path,
                $"length {length} bytes is not a multiple of the {RecordLength}-byte record (1 label + {PixelsPerImage} pixels): " +
                "truncated, or not the binary version");
        }
        return length / RecordLength;
    }

    private static void ReadRecordsInto(string path, long records, Matrix<float> pixels, int[] labels, int offset)
    {
        using var file = DataFileReader.Open(path);
        var record = new byte[RecordLength];
        for (int r = 0; r < records; r++)
        {
            int got = file.ReadUpTo(record);
            if (got < RecordLength)
                throw DataFormatException.InFile(path, $"truncated while reading record {r} of {records}: the file shrank");
            int label = record[0];
            if (label >= Classes)
                throw DataFormatException.InFile(path, $"label {label} of record {r} is outside [0, {Classes})");
            labels[offset + r] = label;
            var row = pixels.Row(offset + r);
            for (int i = 0; i < row.Length; i++) row[i] = record[1 + i] / 255f;
        }
    }
}
