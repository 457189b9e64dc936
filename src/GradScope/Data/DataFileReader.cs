using System.IO.Compression;

namespace GradScope.Data;

/// <summary>
/// Reads a data file, gzip-compressed or raw (told apart by the gzip magic bytes, not the name),
/// and turns every low-level I/O or decompression failure into a <see cref="DataFormatException"/>
/// that names the file.
/// </summary>
internal sealed class DataFileReader : IDisposable
{
    private readonly Stream _stream;

    private DataFileReader(string path, Stream stream, bool isGzip, long? rawLength)
    {
        Path = path;
        _stream = stream;
        IsGzip = isGzip;
        RawLength = rawLength;
    }

    public string Path { get; }

    public bool IsGzip { get; }

    /// <summary>The file length when it is not compressed, so sizes can be checked before reading.</summary>
    public long? RawLength { get; }

    public static DataFileReader Open(string path)
    {
        if (Directory.Exists(path)) throw DataFormatException.InFile(path, $"{path} is a directory, expected a file");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DataFormatException.InFile(path, $"file not found ({path})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataFormatException.InFile(path, $"cannot open: {e.Message}", e);
        }

        try
        {
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
                return new DataFileReader(path, new GZipStream(file, CompressionMode.Decompress), isGzip: true, rawLength: null);
            return new DataFileReader(path, file, isGzip: false, rawLength: file.Length);
        }
        catch (IOException e)
        {
            file.Dispose();
            throw DataFormatException.InFile(path, $"read failed: {e.Message}", e);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the data goes; returns how many bytes were read.</summary>
    public int ReadUpTo(Span<byte> buffer)
    {
        try
        {
            return _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.InFile(Path, $"corrupt gzip data: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw DataFormatException.InFile(Path, $"read failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads up to <paramref name="expected"/> bytes. The buffer grows as data actually arrives, so a
    /// corrupt header that claims gigabytes inside a small gzip file cannot trigger a huge allocation.
    /// </summary>
    public byte[] ReadUpTo(long expected, out long got)
    {
        if (expected > Array.MaxLength)
            throw DataFormatException.InFile(Path, $"header claims {expected} bytes of data, more than one array can hold");
        var buffer = new byte[Math.Min(expected, 1 << 20)];
        long filled = 0;
        while (true)
        {
            int read = ReadUpTo(buffer.AsSpan((int)filled));
            filled += read;
            if (filled < buffer.Length || buffer.Length == expected) break;
            Array.Resize(ref buffer, (int)Math.Min(expected, (long)buffer.Length * 2));
        }
        got = filled;
        return buffer;
    }

    /// <summary>True when bytes remain after what the header accounted for (a sign of a wrong or corrupt file).</summary>
    public bool HasTrailingData()
    {
        Span<byte> probe = stackalloc byte[1];
        return ReadUpTo(probe) > 0;
    }

    public void Dispose() => _stream.Dispose();
}
