using System.Buffers.Binary;
using GradScope.Tensors;

namespace GradScope.IO;

/// <summary>
/// A 1-D or 2-D array read from a .npy file: its numpy dtype string, shape and little-endian
/// element bytes in C order. Converters turn it into the types GradScope uses.
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] _data;

    internal NpyArray(string path, string dtype, int[] shape, byte[] data)
    {
        Path = path;
        DType = dtype;
        Shape = shape;
        _data = data;
    }

    public string Path { get; }

    /// <summary>One of &lt;f4, &lt;f8, &lt;i8, &lt;i4, |u1.</summary>
    public string DType { get; }

    public int[] Shape { get; }

    public int Count => Shape.Aggregate(1, (a, b) => a * b);

    public bool IsInteger => DType is "<i8" or "<i4" or "|u1";

    /// <summary>A 2-D array as a float matrix (integers convert exactly up to 2^24; doubles round).</summary>
    public Matrix<float> ToMatrix()
    {
        if (Shape.Length != 2)
            throw CheckpointFormatException.InFile(Path, $"array has shape ({string.Join(", ", Shape)}), expected 2-D for a matrix");
        return new Matrix<float>(Shape[0], Shape[1], ToFloatArray());
    }

    /// <summary>All elements as floats, in C order.</summary>
    public float[] ToFloatArray()
    {
        var result = new float[Count];
        var bytes = _data.AsSpan();
        switch (DType)
        {
            case "<f4": for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]); break;
            case "<f8": for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]); break;
            case "<i8": for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]); break;
            case "<i4": for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]); break;
            case "|u1": for (int i = 0; i < result.Length; i++) result[i] = bytes[i]; break;
            default: throw new InvalidOperationException($"Unhandled dtype {DType}.");
        }
        return result;
    }

    /// <summary>A 1-D integer array (labels) as int[]; floats are refused rather than truncated.</summary>
    public int[] ToInt32Array()
    {
        if (Shape.Length != 1)
            throw CheckpointFormatException.InFile(Path, $"array has shape ({string.Join(", ", Shape)}), expected 1-D");
        if (!IsInteger)
            throw CheckpointFormatException.InFile(Path, $"dtype {DType} is not an integer type; expected <i8, <i4 or |u1");
        var result = new int[Count];
        var bytes = _data.AsSpan();
        for (int i = 0; i < result.Length; i++)
        {
            switch (DType)
            {
                case "<i8":
                    long value = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                    if (value is < int.MinValue or > int.MaxValue)
                        throw CheckpointFormatException.InFile(Path, $"element {i} = {value} does not fit in a 32-bit integer");
                    result[i] = (int)value;
                    break;
                case "<i4": result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]); break;
                default: result[i] = bytes[i]; break;
            }
        }
        return result;
    }
}
