using System.Buffers.Binary;
using System.Globalization;
using GradScope.IO;
using GradScope.Limits;
using GradScope.Onnx.Proto;

namespace GradScope.Onnx;

/// <summary>
/// A constant tensor of an ONNX graph (initializer or Constant node) decoded to doubles (float32 and float64 tensors,
/// converted exactly) or to 64-bit integers (shapes and axes). Everything else is kept only as its element type, so
/// that a node using it can be refused with a clear message.
/// </summary>
public sealed class OnnxTensor
{
    /// <summary>Largest tensor GradScope decodes: 2^28 elements (1 GiB of float32), far beyond any MLP it analyses.</summary>
    public const long MaxElements = 1L << 28;

    private OnnxTensor(string name, long[] dims, TensorProto.Types.DataType type, double[]? floats, long[]? integers)
    {
        Name = name;
        Dims = dims;
        ElementType = type;
        Floats = floats;
        Integers = integers;
    }

    public string Name { get; }
    public IReadOnlyList<long> Dims { get; }
    public TensorProto.Types.DataType ElementType { get; }
    /// <summary>The values of a float32/float64 tensor in C order; null for other element types.</summary>
    public double[]? Floats { get; }
    /// <summary>The values of an integer tensor (int64, int32); null otherwise.</summary>
    public long[]? Integers { get; }

    public bool IsFloat => Floats is not null;
    public long Count => Dims.Aggregate(1L, (a, b) => a * b);

    public string ShapeText => "[" + string.Join(", ", Dims) + "]";

    /// <summary>The single value of a one-element float tensor, as the decimal it was written from (see <see cref="Decimal"/>).</summary>
    public bool TryScalar(out double value)
    {
        value = 0;
        if (Count != 1) return false;
        if (Floats is not null) value = ElementType == TensorProto.Types.DataType.Float ? Decimal((float)Floats[0]) : Floats[0];
        else if (Integers is not null) value = Integers[0];
        else return false;
        return true;
    }

    /// <summary>
    /// A float32 constant or attribute read as the shortest decimal that rounds to it: 1e-5f becomes 1e-5, 0.7f becomes
    /// 0.7. Scalars such as ε, slopes and residual weights are written as decimals (PyTorch's Python floats) and stored in
    /// float32 by the exporter; the decimal is what the user's float64 model computes with. Weights stay exact.
    /// </summary>
    public static double Decimal(float value) =>
        float.IsFinite(value) ? double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;

    /// <summary>Decodes a TensorProto; <paramref name="modelDirectory"/> resolves external data files.</summary>
    public static OnnxTensor Decode(TensorProto proto, string modelPath, string? nameOverride = null)
    {
        string name = nameOverride ?? proto.Name;
        string label = name.Length > 0 ? $"tensor '{name}'" : "a constant tensor";
        var dims = proto.Dims.ToArray();
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw OnnxImportException.InFile(modelPath, $"{label} has a negative dimension {d}");
            if (d > 0 && count > MaxElements / d)
                throw OnnxImportException.InFile(modelPath,
                    $"{label} declares shape [{string.Join(", ", dims)}], over GradScope's limit of {MaxElements:N0} elements per tensor");
            count *= d;
        }
        if (count > MaxElements)
            throw OnnxImportException.InFile(modelPath,
                $"{label} declares {count:N0} elements, over GradScope's limit of {MaxElements:N0} per tensor");
        var type = (TensorProto.Types.DataType)proto.DataType;
        int size = type switch
        {
            TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 => 4,
            TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 => 8,
            _ => 0,
        };
        if (size == 0) return new OnnxTensor(name, dims, type, null, null);

        ReadOnlySpan<byte> raw = default;
        bool hasRaw = false;
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            raw = ExternalData(proto, modelPath, label, count * size);
            hasRaw = true;
        }
        else if (proto.HasRawData)
        {
            raw = proto.RawData.Span;
            hasRaw = true;
            if (raw.Length != count * size)
                throw OnnxImportException.InFile(modelPath,
                    $"{label} declares shape [{string.Join(", ", dims)}] ({count:N0} elements) but holds {raw.Length:N0} bytes of data");
        }
        // Decoded values are doubles; a model of many large tensors must not exhaust memory before it is refused.
        MemoryBudget.Require(MemoryBudget.Product(count, sizeof(double)), $"{Path.GetFileName(modelPath)}: {label} ({count:N0} values)");
        int n = (int)count;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
            {
                var values = new double[n];
                if (hasRaw) for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                else { Expect(proto.FloatData.Count, n, modelPath, label); for (int i = 0; i < n; i++) values[i] = proto.FloatData[i]; }
                RequireFinite(values, dims, modelPath, label);
                return new OnnxTensor(name, dims, type, values, null);
            }
            case TensorProto.Types.DataType.Double:
            {
                var values = new double[n];
                if (hasRaw) for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                else { Expect(proto.DoubleData.Count, n, modelPath, label); for (int i = 0; i < n; i++) values[i] = proto.DoubleData[i]; }
                RequireFinite(values, dims, modelPath, label);
                return new OnnxTensor(name, dims, type, values, null);
            }
            case TensorProto.Types.DataType.Int64:
            {
                var values = new long[n];
                if (hasRaw) for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]);
                else { Expect(proto.Int64Data.Count, n, modelPath, label); for (int i = 0; i < n; i++) values[i] = proto.Int64Data[i]; }
                return new OnnxTensor(name, dims, type, null, values);
            }
            default:
            {
                var values = new long[n];
                if (hasRaw) for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
                else { Expect(proto.Int32Data.Count, n, modelPath, label); for (int i = 0; i < n; i++) values[i] = proto.Int32Data[i]; }
                return new OnnxTensor(name, dims, type, null, values);
            }
        }
    }

    internal OnnxTensor Renamed(string name) => new(name, Dims.ToArray(), ElementType, Floats, Integers);

    /// <summary>A tensor made by the importer itself (e.g. from a Constant node's value_float).</summary>
    internal static OnnxTensor FromFloats(string name, long[] dims, double[] values) =>
        new(name, dims, TensorProto.Types.DataType.Double, values, null);

    internal static OnnxTensor FromIntegers(string name, long[] dims, long[] values) =>
        new(name, dims, TensorProto.Types.DataType.Int64, null, values);

    /// <summary>
    /// Weights and constants must be finite: a NaN weight behind a ReLU still yields a finite loss and a plausible
    /// verdict. The error names the tensor and the first bad element's index.
    /// </summary>
    internal static void RequireFinite(ReadOnlySpan<double> values, IReadOnlyList<long> dims, string path, string label)
    {
        int bad = FiniteCheck.FirstNonFinite(values);
        if (bad < 0) return;
        string value = values[bad].ToString(CultureInfo.InvariantCulture);
        throw OnnxImportException.InFile(path, $"{label} holds {value} at index {FiniteCheck.Index(bad, dims)}; "
            + "weights and constants must be finite");
    }

    private static void Expect(int actual, int expected, string path, string label)
    {
        if (actual != expected)
            throw OnnxImportException.InFile(path, $"{label} declares {expected:N0} elements but holds {actual:N0}");
    }

    /// <summary>
    /// The bytes of a tensor stored in an external file. The location must name a file in the model's own directory
    /// (no absolute path, no "..": a model must not make GradScope read arbitrary files), and offset + length must lie
    /// inside it.
    /// </summary>
    private static byte[] ExternalData(TensorProto proto, string modelPath, string label, long expectedBytes)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var entry in proto.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseLong(entry.Value, modelPath, label, "offset"); break;
                case "length": length = ParseLong(entry.Value, modelPath, label, "length"); break;
            }
        }
        if (string.IsNullOrEmpty(location)) throw OnnxImportException.InFile(modelPath,
            $"{label} is stored externally but names no location");
        if (Path.IsPathRooted(location) || location.Split('/', '\\').Any(part => part == ".."))
            throw OnnxImportException.InFile(modelPath, $"{label}: external data location '{location}' must be a file next to the model");
        string dir = Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".";
        string file = Path.Combine(dir, location);
        if (!File.Exists(file)) throw OnnxImportException.InFile(modelPath, $"{label}: external data file '{location}' is missing");
        if (length < 0) length = expectedBytes;
        if (length != expectedBytes)
            throw OnnxImportException.InFile(modelPath,
                $"{label} declares {expectedBytes:N0} bytes of data but its external length is {length:N0}");
        long fileLength = new FileInfo(file).Length;
        if (offset < 0 || offset > fileLength || length > fileLength - offset)
            throw OnnxImportException.InFile(modelPath,
                $"{label}: bytes {offset:N0}..{offset + length:N0} lie outside '{location}' ({fileLength:N0} bytes)");
        var bytes = new byte[length];
        using var stream = File.OpenRead(file);
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static long ParseLong(string text, string path, string label, string key) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw OnnxImportException.InFile(path, $"{label}: external data {key} '{text}' is not a non-negative integer");
}
