using System.Buffers.Binary;
using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// The idx format of MNIST and Fashion-MNIST: a big-endian header (magic 0x000008dd, where 08 means
/// unsigned bytes and dd the number of dimensions, then one uint32 per dimension), then the bytes.
/// Files may be gzip-compressed or raw.
/// </summary>
public static class IdxReader
{
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;

    /// <summary>Both MNIST and Fashion-MNIST have ten classes.</summary>
    public const int Classes = 10;

    /// <summary>Reads an idx3 image file; pixel bytes 0..255 become floats in [0, 1].</summary>
    public static IdxImages ReadImages(string path)
    {
        using var file = DataFileReader.Open(path);
        Span<byte> header = stackalloc byte[16];
        ReadHeader(file, header, ImagesMagic, "idx3 image");
        uint count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
        uint width = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
        if (height == 0 || width == 0 || height > 65536 || width > 65536)
            throw DataFormatException.InFile(path, $"implausible image size {height}×{width} in header");
        if (count > int.MaxValue)
            throw DataFormatException.InFile(path, $"implausible image count {count} in header");

        long pixelsPerImage = (long)height * width;
        long expected = count * pixelsPerImage;
        string claim = $"header says {count} images of {height}×{width}";
        if (file.RawLength is long length && length - header.Length < expected)
            throw DataFormatException.InFile(path, $"truncated: {claim} but only {length - header.Length} bytes of pixel data");

        byte[] bytes = file.ReadUpTo(expected, out long got);
        if (got < expected)
            throw DataFormatException.InFile(path, $"truncated: {claim} but only {got} bytes of pixel data");
        if (file.HasTrailingData())
            throw DataFormatException.InFile(path, $"{claim} but the file holds more data than that");

        var pixels = new Matrix<float>((int)count, (int)pixelsPerImage);
        var dst = pixels.Span;
        for (int i = 0; i < dst.Length; i++) dst[i] = ByteToUnit[bytes[i]];
        return new IdxImages(pixels, (int)height, (int)width);
    }

    /// <summary>Reads an idx1 label file and checks every label is in [0, <paramref name="classes"/>).</summary>
    public static int[] ReadLabels(string path, int classes = Classes)
    {
        using var file = DataFileReader.Open(path);
        Span<byte> header = stackalloc byte[8];
        ReadHeader(file, header, LabelsMagic, "idx1 label");
        uint count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (count > int.MaxValue)
            throw DataFormatException.InFile(path, $"implausible label count {count} in header");
        string claim = $"header says {count} labels";
        if (file.RawLength is long length && length - header.Length < count)
            throw DataFormatException.InFile(path, $"truncated: {claim} but only {length - header.Length} bytes of label data");

        byte[] bytes = file.ReadUpTo(count, out long got);
        if (got < count)
            throw DataFormatException.InFile(path, $"truncated: {claim} but only {got} bytes of label data");
        if (file.HasTrailingData())
            throw DataFormatException.InFile(path, $"{claim} but the file holds more data than that");

        var labels = new int[count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = bytes[i];
            if (labels[i] >= classes)
                throw DataFormatException.InFile(path, $"label {labels[i]} of example {i} is outside [0, {classes})");
        }
        return labels;
    }

    /// <summary>An image file and its label file as one dataset; the counts must agree.</summary>
    public static Dataset ReadDataset(string name, string imagesPath, string labelsPath, int classes = Classes)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, classes);
        if (labels.Length != images.Count)
        {
            throw DataFormatException.InFile(labelsPath,
                $"{labels.Length} labels but {Path.GetFileName(imagesPath)} has {images.Count} images");
        }
        return new Dataset(name, images.Pixels, labels, classes, new ImageShape(1, images.Height, images.Width));
    }

    /// <summary>Loads the standard four files (train-*, t10k-*) from <paramref name="directory"/>.</summary>
    public static DatasetSplits LoadDirectory(string directory, string name)
    {
        var files = IdxFileSet.Find(directory);
        if (files.Missing.Count > 0)
        {
            throw new DatasetNotFoundException(
                $"{directory}: missing idx file(s) {string.Join(", ", files.Missing)} (either the .gz or the uncompressed name)");
        }
        return new DatasetSplits(
            ReadDataset($"{name}/train", files.TrainImages!, files.TrainLabels!),
            ReadDataset($"{name}/test", files.TestImages!, files.TestLabels!));
    }

    private static void ReadHeader(DataFileReader file, Span<byte> header, uint expectedMagic, string kind)
    {
        int got = file.ReadUpTo(header);
        // Magic first: a wrong file that also happens to be short is better described as the wrong file.
        if (got >= 4)
            CheckMagic(file.Path, BinaryPrimitives.ReadUInt32BigEndian(header), expectedMagic, kind);
        if (got < header.Length)
            throw DataFormatException.InFile(file.Path, $"truncated: {got} bytes, shorter than the {header.Length}-byte {kind} header");
    }

    private static void CheckMagic(string path, uint magic, uint expectedMagic, string kind)
    {
        if (magic == expectedMagic) return;
        string hint = magic switch
        {
            ImagesMagic => " (this is an image file)",
            LabelsMagic => " (this is a label file)",
            _ => "",
        };
        throw DataFormatException.InFile(path,
            $"bad magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} for an {kind} file{hint}");
    }

    private static readonly float[] ByteToUnit = CreateByteToUnit();

    private static float[] CreateByteToUnit()
    {
        var table = new float[256];
        for (int b = 0; b < 256; b++) table[b] = b / 255f;
        return table;
    }
}
