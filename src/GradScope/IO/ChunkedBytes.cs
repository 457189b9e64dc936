namespace GradScope.IO;

/// <summary>
/// Bytes held in pieces of at most <see cref="ChunkSize"/>, so a tensor or array of 2 GB or more (beyond one .NET
/// byte array) can be read; filled from a stream without ever asking for more than the stream delivers.
/// </summary>
internal sealed class ChunkedBytes
{
    public const int ChunkSize = 1 << 30;

    private readonly List<byte[]> _chunks;

    private ChunkedBytes(List<byte[]> chunks, long length)
    {
        _chunks = chunks;
        Length = length;
    }

    public long Length { get; }

    /// <summary>Reads exactly <paramref name="length"/> bytes; fewer means the file is truncated.</summary>
    public static ChunkedBytes Read(Stream stream, long length, Func<long, Exception> truncated)
    {
        var chunks = new List<byte[]>();
        long remaining = length, got = 0;
        while (remaining > 0)
        {
            var chunk = new byte[(int)Math.Min(remaining, ChunkSize)];
            int read = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            got += read;
            if (read < chunk.Length) throw truncated(got);
            chunks.Add(chunk);
            remaining -= chunk.Length;
        }
        return new ChunkedBytes(chunks, length);
    }

    public static ChunkedBytes Wrap(byte[] bytes, int offset, int length) =>
        new([bytes.AsSpan(offset, length).ToArray()], length);

    /// <summary>Copies the bytes [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public void CopyTo(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > Length) throw new ArgumentException("Byte range outside the data.");
        while (destination.Length > 0)
        {
            int chunk = (int)(offset / ChunkSize), within = (int)(offset % ChunkSize);
            int n = Math.Min(destination.Length, _chunks[chunk].Length - within);
            _chunks[chunk].AsSpan(within, n).CopyTo(destination);
            destination = destination[n..];
            offset += n;
        }
    }

    /// <summary>
    /// Copies bytes [offset, offset + count·size) into an array of <typeparamref name="T"/>, in pieces a span can address.
    /// </summary>
    public void CopyTo<T>(long offset, T[] destination) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int perPiece = ChunkSize / size;
        for (int start = 0; start < destination.Length; start += perPiece)
        {
            int n = Math.Min(perPiece, destination.Length - start);
            CopyTo(offset + (long)start * size, System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination.AsSpan(start, n)));
        }
    }
}
