using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using GradScope.Tensors;

namespace GradScope.IO;

/// <summary>
/// The safetensors container: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// (padded with spaces to a multiple of 8 so the data starts 8-aligned), then the tensors' raw
/// little-endian bytes. The header maps each tensor name to its dtype, shape and byte range, plus
/// an optional "__metadata__" object of string values. See docs/checkpoint-format.md.
/// </summary>
public sealed class SafeTensorsFile
{
    public const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation's limit; a larger header is a corrupt or hostile length field.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly ChunkedBytes _data;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;

    private SafeTensorsFile(string path, ChunkedBytes data, Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        _data = data;
        _tensors = tensors;
        Metadata = metadata;
        Names = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The file this was read from (used in error messages).</summary>
    public string Path { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor names in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public SafeTensorInfo GetInfo(string name) =>
        _tensors.TryGetValue(name, out var info) ? info : throw CheckpointFormatException.InFile(Path, $"no tensor named '{name}'");

    // ---- Writing -------------------------------------------------------------------------------

    /// <summary>Writes the tensors and metadata to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        AtomicFile.Write(path, stream => WriteTo(stream, list, metadata));
    }

    /// <summary>The file's bytes in memory (what <see cref="Write"/> would put on disk).</summary>
    public static byte[] ToBytes(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, tensors.ToList(), metadata);
        return stream.ToArray();
    }

    private static void WriteTo(Stream stream, List<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        byte[] header = BuildHeader(tensors, metadata, out var layout);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in layout) stream.Write(tensor.Bytes);
    }

    private static byte[] BuildHeader(List<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        out List<NamedTensor> layout)
    {
        EnsureLittleEndian();
        var duplicate = tensors.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Tensor name '{duplicate.Key}' appears twice.", nameof(tensors));

        // Data laid out by element size, largest first, then by name: every tensor then starts at a
        // multiple of its element size (the data section itself starts 8-aligned), which the
        // reference implementation also does so memory-mapping readers can use the bytes in place.
        layout = tensors.OrderByDescending(t => t.DType.ByteSize()).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        var offsets = new Dictionary<string, (long Begin, long End)>(StringComparer.Ordinal);
        long position = 0;
        foreach (var t in layout)
        {
            offsets[t.Name] = (position, position + t.ByteLength);
            position += t.ByteLength;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var t in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToString());
                json.WriteStartArray("shape");
                foreach (int dim in t.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offsets[t.Name].Begin);
                json.WriteNumberValue(offsets[t.Name].End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    // ---- Reading -------------------------------------------------------------------------------

    /// <summary>
    /// Reads and validates a whole file, streaming it (files of any size; nothing is read past the length the file
    /// reports, so a device like /dev/zero fails as truncated); any defect raises <see cref="CheckpointFormatException"/>.
    /// </summary>
    public static SafeTensorsFile Read(string path)
    {
        using var stream = DataFileOpener.Open(path);
        return Load(stream, stream.Length, path);
    }

    /// <summary>Validates bytes already in memory; <paramref name="path"/> only labels error messages.</summary>
    public static SafeTensorsFile Parse(byte[] bytes, string path = "<memory>")
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Load(stream, bytes.Length, path);
    }

    private static SafeTensorsFile Load(Stream stream, long length, string path)
    {
        EnsureLittleEndian();
        if (length < 8)
            throw CheckpointFormatException.InFile(path, $"truncated: {length} bytes, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength == 0)
            throw CheckpointFormatException.InFile(path, "header length is 0");
        if (headerLength > (ulong)(length - 8))
            throw CheckpointFormatException.InFile(path,
                $"header length {headerLength} exceeds the {length - 8} bytes that follow it (truncated or not a safetensors file)");
        if (headerLength > MaxHeaderBytes)
            throw CheckpointFormatException.InFile(path,
                $"header length {headerLength} exceeds the format's limit of {MaxHeaderBytes} bytes");
        var header = new byte[(int)headerLength];
        stream.ReadExactly(header);
        long dataLength = length - 8 - (long)headerLength;
        var (tensors, metadata) = SafeTensorsHeader.Parse(header, dataLength, path);
        Limits.MemoryBudget.Require(dataLength, $"reading {System.IO.Path.GetFileName(path)} ({dataLength:N0} bytes of tensors)");
        var data = ChunkedBytes.Read(stream, dataLength,
            got => CheckpointFormatException.InFile(path, $"truncated: the data section ended after {got} of {dataLength} bytes"));
        return new SafeTensorsFile(path, data, tensors, metadata);
    }

    /// <summary>
    /// An F32 tensor. F64 is refused rather than silently narrowed; use <see cref="GetDouble"/> or <see cref="GetMatrix{T}"/>.
    /// </summary>
    public TensorData<float> GetFloat(string name)
    {
        var info = Expect(name, SafeTensorDType.F32);
        return new TensorData<float>(info.Shape, CopyElements<float>(info));
    }

    /// <summary>An F64 tensor, or an F32 one widened (exactly).</summary>
    public TensorData<double> GetDouble(string name)
    {
        var info = GetInfo(name);
        return info.DType switch
        {
            SafeTensorDType.F64 => new TensorData<double>(info.Shape, CopyElements<double>(info)),
            SafeTensorDType.F32 => new TensorData<double>(info.Shape, Array.ConvertAll(CopyElements<float>(info), x => (double)x)),
            _ => throw WrongDType(info, "F32 or F64"),
        };
    }

    public TensorData<long> GetInt64(string name)
    {
        var info = Expect(name, SafeTensorDType.I64);
        return new TensorData<long>(info.Shape, CopyElements<long>(info));
    }

    /// <summary>
    /// A 2-D F32 or F64 tensor as a matrix of the caller's precision (the caller chooses, so a
    /// double checkpoint can seed a float run and vice versa).
    /// </summary>
    public Matrix<T> GetMatrix<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var info = GetInfo(name);
        if (info.Shape.Length != 2)
            throw CheckpointFormatException.InFile(Path, $"tensor '{name}' has shape [{string.Join(", ", info.Shape)}], expected 2-D");
        return new Matrix<T>(info.Shape[0], info.Shape[1], GetArray<T>(name));
    }

    /// <summary>The elements of an F32 or F64 tensor of any shape, converted to <typeparamref name="T"/>.</summary>
    public T[] GetArray<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var info = GetInfo(name);
        return info.DType switch
        {
            SafeTensorDType.F32 => Convert<float, T>(CopyElements<float>(info)),
            SafeTensorDType.F64 => Convert<double, T>(CopyElements<double>(info)),
            _ => throw WrongDType(info, "F32 or F64"),
        };
    }

    private static T[] Convert<TFrom, T>(TFrom[] source)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (source is T[] same) return same;
        var result = new T[source.Length];
        for (int i = 0; i < source.Length; i++) result[i] = T.CreateTruncating(source[i]);
        return result;
    }

    private SafeTensorInfo Expect(string name, SafeTensorDType dtype)
    {
        var info = GetInfo(name);
        return info.DType == dtype ? info : throw WrongDType(info, dtype.ToString());
    }

    private CheckpointFormatException WrongDType(SafeTensorInfo info, string expected) =>
        CheckpointFormatException.InFile(Path, $"tensor '{info.Name}' is {info.DType}, expected {expected}");

    private T[] CopyElements<T>(SafeTensorInfo info) where T : unmanaged
    {
        var result = new T[info.Count];
        // Byte-wise copy: tensors written by other tools need not be aligned to their element size.
        _data.CopyTo(info.Begin, result);
        return result;
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported.");
    }
}
