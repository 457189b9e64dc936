using GradScope.IO;

namespace GradScope.Tests.IO;

public class ChunkedBytesTests
{
    [Fact]
    public void Truncated_stream_reports_how_much_arrived()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            ChunkedBytes.Read(new MemoryStream(new byte[10]), 16, got => new InvalidDataException($"got {got}")));
        Assert.Equal("got 10", e.Message);
    }

    [Fact]
    public void Typed_copy_reassembles_elements_at_any_offset()
    {
        var source = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        var bytes = ChunkedBytes.Read(new MemoryStream(source), source.Length, _ => new InvalidDataException());
        var floats = new float[100];
        bytes.CopyTo(3, floats);
        var expected = new float[100];
        Buffer.BlockCopy(source, 3, expected, 0, 400);
        Assert.Equal(expected, floats);
    }

    /// <summary>
    /// A real file of more than 2 GB (sparse, so it costs no disk): a safetensors checkpoint whose one tensor starts
    /// beyond 2 GB and straddles a chunk boundary. Opt-in (GRADSCOPE_LARGE_FILE_TESTS=1 GRADSCOPE_MEMORY_LIMIT=8GB): it reads
    /// 2 GB into memory.
    /// </summary>
    [Fact]
    public void Files_of_2_GB_and_more_are_readable()
    {
        if (Environment.GetEnvironmentVariable("GRADSCOPE_LARGE_FILE_TESTS") != "1") return;
        using var dir = new GradScope.Tests.Data.TempDirectory();
        string path = dir.File("large.safetensors");
        const long half = (1L << 30) + 6, padding = 2 * half;
        string header = $"{{\"pad1\":{{\"dtype\":\"U8\",\"shape\":[{half}],\"data_offsets\":[0,{half}]}}," +
                        $"\"pad2\":{{\"dtype\":\"U8\",\"shape\":[{half}],\"data_offsets\":[{half},{padding}]}}," +
                        $"\"w\":{{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[{padding},{padding + 12}]}}}}";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        using (var stream = File.Create(path))
        {
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
            stream.SetLength(8 + header.Length + padding);
            stream.Position = 8 + header.Length + padding;
            foreach (float v in new[] { 1.5f, -2f, 3.25f }) stream.Write(BitConverter.GetBytes(v));
        }
        Assert.True(new FileInfo(path).Length > 1L << 31);
        var file = SafeTensorsFile.Read(path);
        Assert.Equal(new[] { 1.5f, -2f, 3.25f }, file.GetFloat("w").Data);
    }
}
