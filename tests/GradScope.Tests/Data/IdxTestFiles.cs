using System.Buffers.Binary;
using System.IO.Compression;

namespace GradScope.Tests.Data;

/// <summary>Builds small idx files in the exact byte layout of MNIST.</summary>
public static class IdxTestFiles
{
    public static byte[] Images(int count, int height, int width, Func<int, int, byte>? pixel = null)
    {
        var bytes = new byte[16 + count * height * width];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000803);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)count);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), (uint)width);
        pixel ??= (image, index) => (byte)((image * 31 + index * 7) % 256);
        for (int i = 0; i < count; i++)
            for (int p = 0; p < height * width; p++)
                bytes[16 + i * height * width + p] = pixel(i, p);
        return bytes;
    }

    public static byte[] Labels(params int[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000801);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)labels.Length);
        for (int i = 0; i < labels.Length; i++) bytes[8 + i] = (byte)labels[i];
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(raw);
        return output.ToArray();
    }

    /// <summary>Writes the four standard files; <paramref name="gzip"/> chooses .gz or raw names.</summary>
    public static void WriteDirectory(string directory, int trainCount, int testCount, bool gzip, int height = 4, int width = 3)
    {
        void Put(string baseName, byte[] raw)
        {
            string path = Path.Combine(directory, gzip ? baseName + ".gz" : baseName);
            File.WriteAllBytes(path, gzip ? Gzip(raw) : raw);
        }
        Put("train-images-idx3-ubyte", Images(trainCount, height, width));
        Put("train-labels-idx1-ubyte", Labels(Enumerable.Range(0, trainCount).Select(i => i % 10).ToArray()));
        Put("t10k-images-idx3-ubyte", Images(testCount, height, width));
        Put("t10k-labels-idx1-ubyte", Labels(Enumerable.Range(0, testCount).Select(i => (i * 3) % 10).ToArray()));
    }
}
