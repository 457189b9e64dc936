using System.Buffers.Binary;
using System.Text;
using GradScope.Tensors;

namespace GradScope.IO;

/// <summary>
/// numpy's .npy format: the magic "\x93NUMPY", a version (1.0, 2.0 or 3.0), a little-endian header
/// length (2 bytes in 1.0, 4 bytes after), a Python-dict header padded with spaces and ending in
/// '\n', then the raw elements. Reads 1-D and 2-D C-ordered arrays of &lt;f4, &lt;f8, &lt;i8, &lt;i4 and |u1;
/// writes float32 matrices and int64 vectors.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static readonly IReadOnlyList<string> SupportedDTypes = ["<f4", "<f8", "<i8", "<i4", "|u1"];

    /// <summary>A header longer than this is a corrupt or hostile length field (numpy's own headers are a few hundred bytes).</summary>
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>Reads a file by streaming it (any size; nothing is read past the length the file reports).</summary>
    public static NpyArray Read(string path)
    {
        using var stream = DataFileOpener.Open(path);
        return Load(stream, stream.Length, path);
    }

    /// <summary>Validates .npy bytes already in memory; <paramref name="path"/> only labels error messages.</summary>
    public static NpyArray Parse(byte[] bytes, string path = "<memory>")
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Load(stream, bytes.Length, path);
    }

    private static NpyArray Load(Stream stream, long length, string path)
    {
        var preamble = new byte[12];
        int got = stream.ReadAtLeast(preamble.AsSpan(0, 10), 10, throwOnEndOfStream: false);
        if (got < 10 || !preamble.AsSpan(0, 6).SequenceEqual(Magic))
            throw CheckpointFormatException.InFile(path, "not a .npy file (missing the \\x93NUMPY magic)");
        byte major = preamble[6], minor = preamble[7];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw CheckpointFormatException.InFile(path, $"unsupported .npy version {major}.{minor}"),
        };
        int prefix = 8 + lengthBytes;
        if (length < prefix)
            throw CheckpointFormatException.InFile(path, $"truncated: {length} bytes, shorter than the version {major}.0 preamble");
        if (prefix > 10) stream.ReadExactly(preamble.AsSpan(10, prefix - 10));
        long headerLength = lengthBytes == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(8))
            : BinaryPrimitives.ReadUInt32LittleEndian(preamble.AsSpan(8));
        if (headerLength > length - prefix)
            throw CheckpointFormatException.InFile(path,
                $"truncated: header length {headerLength} exceeds the {length - prefix} bytes that follow");
        if (headerLength > MaxHeaderBytes)
            throw CheckpointFormatException.InFile(path, $"header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);

        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8.
        var encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string headerText = encoding.GetString(headerBytes);
        var header = NpyHeader.Parse(headerText, path);

        string dtype = header.Descr;
        if (dtype.Length > 0 && dtype[0] == '>')
            throw CheckpointFormatException.InFile(path,
                $"big-endian dtype '{dtype}' is not supported; save with a little-endian dtype (e.g. a.astype('<f4'))");
        if (!SupportedDTypes.Contains(dtype))
            throw CheckpointFormatException.InFile(path, $"unsupported dtype '{dtype}' (supported: {string.Join(", ", SupportedDTypes)})");
        if (header.FortranOrder)
            throw CheckpointFormatException.InFile(path,
                "fortran_order True is not supported; save a C-ordered array (np.ascontiguousarray)");
        if (header.Shape.Length is not (1 or 2))
            throw CheckpointFormatException.InFile(path,
                $"array has {header.Shape.Length} dimensions ({string.Join(", ", header.Shape)}); only 1-D and 2-D are supported");

        long count = 1;
        foreach (long dim in header.Shape)
        {
            count *= dim;
            if (dim > int.MaxValue || count > int.MaxValue)
                throw CheckpointFormatException.InFile(path, $"shape ({string.Join(", ", header.Shape)}) is too large for one array");
        }
        long itemSize = ItemSize(dtype);
        long expected = count * itemSize;
        long dataStart = prefix + headerLength;
        long available = length - dataStart;
        if (available < expected)
            throw CheckpointFormatException.InFile(path,
                $"truncated: shape ({string.Join(", ", header.Shape)}) of {dtype} needs {expected} bytes of data " +
                $"but only {available} remain");
        if (available > expected)
            throw CheckpointFormatException.InFile(path,
                $"{available - expected} bytes after the array data; the file is longer than its header describes");

        // The bytes plus the float copy made from them.
        Limits.MemoryBudget.Require(expected + 4 * count, $"reading {System.IO.Path.GetFileName(path)} ({count:N0} elements)");
        var shape = header.Shape.Select(d => (int)d).ToArray();
        var data = ChunkedBytes.Read(stream, expected,
            got => CheckpointFormatException.InFile(path, $"truncated: the data ended after {got} of {expected} bytes"));
        return new NpyArray(path, dtype, shape, data);
    }

    /// <summary>A 2-D array as a float matrix.</summary>
    public static Matrix<float> ReadMatrix(string path) => Read(path).ToMatrix();

    /// <summary>A 1-D integer array (e.g. labels).</summary>
    public static int[] ReadInt32Array(string path) => Read(path).ToInt32Array();

    /// <summary>Writes a float32 2-D array (atomically).</summary>
    public static void WriteMatrix(string path, Matrix<float> matrix)
    {
        var data = new byte[(long)matrix.Length * 4];
        var span = matrix.Span;
        for (int i = 0; i < span.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), span[i]);
        Write(path, new NpyHeader("<f4", false, [matrix.Rows, matrix.Cols]), data);
    }

    /// <summary>Writes an int64 1-D array (atomically) — numpy's default integer type, so labels load as plain ints.</summary>
    public static void WriteInt64(string path, ReadOnlySpan<long> values)
    {
        var data = new byte[(long)values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), values[i]);
        Write(path, new NpyHeader("<i8", false, [values.Length]), data);
    }

    public static void WriteInt64(string path, int[] values) =>
        WriteInt64(path, Array.ConvertAll(values, v => (long)v));

    private static void Write(string path, NpyHeader header, byte[] data)
    {
        // Version 1.0; numpy pads the header with spaces so the data starts on a 64-byte boundary,
        // and the header ends with a newline.
        string dict = header.Format();
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string text = dict + new string(' ', padding) + "\n";
        byte[] headerBytes = Encoding.Latin1.GetBytes(text);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.WriteByte(1);
            stream.WriteByte(0);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            stream.Write(data);
        });
    }

    private static int ItemSize(string dtype) => dtype switch
    {
        "<f4" or "<i4" => 4,
        "<f8" or "<i8" => 8,
        _ => 1,
    };
}
