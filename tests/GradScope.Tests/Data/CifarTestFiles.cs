using GradScope.Data;

namespace GradScope.Tests.Data;

public static class CifarTestFiles
{
    /// <summary>Records whose pixel i of record r is (r + i) mod 256.</summary>
    public static byte[] Batch(params int[] labels)
    {
        var bytes = new byte[labels.Length * Cifar10Reader.RecordLength];
        for (int r = 0; r < labels.Length; r++)
        {
            int start = r * Cifar10Reader.RecordLength;
            bytes[start] = (byte)labels[r];
            for (int i = 0; i < Cifar10Reader.PixelsPerImage; i++) bytes[start + 1 + i] = (byte)((r + i) % 256);
        }
        return bytes;
    }

    /// <summary>Five training batches of two records (labels 2b, 2b+1) and a test batch of three.</summary>
    public static void WriteDirectory(string directory)
    {
        for (int b = 0; b < 5; b++)
            File.WriteAllBytes(Path.Combine(directory, $"data_batch_{b + 1}.bin"), Batch((2 * b) % 10, (2 * b + 1) % 10));
        File.WriteAllBytes(Path.Combine(directory, "test_batch.bin"), Batch(7, 8, 9));
    }
}
