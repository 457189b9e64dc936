using System.Buffers.Binary;
using GradScope.Tensors;

namespace GradScope.IO;

/// <summary>
/// A 1-D or 2-D array read from a .npy file: its numpy dtype string, shape and little-endian
/// element bytes in C order. Converters turn it into the types GradScope uses.
/// </summary>
public sealed class NpyArray
{
    /// <summary>Elements converted per block: the bytes of one block fit a small reusable buffer.</summary>
    private const int BlockElements = 1 << 16;

    private readonly ChunkedBytes _data;

    internal NpyArray(string path, string dtype, int[] shape, ChunkedBytes data)
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

    private int ItemSize => DType switch { "<f4" or "<i4" => 4, "<f8" or "<i8" => 8, _ => 1 };

    /// <summary>
    /// A 2-D array as a float matrix (integers convert exactly up to 2^24; doubles round). NaN, ±Inf and doubles
    /// beyond float range are refused, naming the first bad element: a network fed them reports plausible numbers.
    /// </summary>
    public Matrix<float> ToMatrix()
    {
        if (Shape.Length != 2)
            throw CheckpointFormatException.InFile(Path, $"array has shape ({string.Join(", ", Shape)}), expected 2-D for a matrix");
        var values = ToFloatArray();
        int bad = FiniteCheck.FirstNonFinite(values);
        if (bad >= 0)
        {
            string narrowed = DType == "<f8" ? " in float32" : "";
            throw CheckpointFormatException.InFile(Path,
                $"element ({bad / Shape[1]}, {bad % Shape[1]}) is {values[bad]}{narrowed}; inputs must be finite");
        }
        return new Matrix<float>(Shape[0], Shape[1], values);
    }

    /// <summary>All elements as floats, in C order.</summary>
    public float[] ToFloatArray()
    {
        var result = new float[Count];
        ForEachBlock((start, bytes) =>
        {
            var target = result.AsSpan(start);
            switch (DType)
            {
                case "<f4":
                    for (int i = 0; 4 * i < bytes.Length; i++) target[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                    break;
                case "<f8":
                    for (int i = 0; 8 * i < bytes.Length; i++) target[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                    break;
                case "<i8":
                    for (int i = 0; 8 * i < bytes.Length; i++) target[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                    break;
                case "<i4":
                    for (int i = 0; 4 * i < bytes.Length; i++) target[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                    break;
                case "|u1": for (int i = 0; i < bytes.Length; i++) target[i] = bytes[i]; break;
                default: throw new InvalidOperationException($"Unhandled dtype {DType}.");
            }
        });
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
        ForEachBlock((start, bytes) =>
        {
            for (int i = 0; i * ItemSize < bytes.Length; i++)
            {
                switch (DType)
                {
                    case "<i8":
                        long value = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                        if (value is < int.MinValue or > int.MaxValue)
                            throw CheckpointFormatException.InFile(Path, $"element {start + i} = {value} does not fit in a 32-bit integer");
                        result[start + i] = (int)value;
                        break;
                    case "<i4": result[start + i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]); break;
                    default: result[start + i] = bytes[i]; break;
                }
            }
        });
        return result;
    }

    private delegate void BlockAction(int start, ReadOnlySpan<byte> bytes);

    /// <summary>Hands the elements to <paramref name="action"/> block by block, so no array larger than one block is copied.</summary>
    private void ForEachBlock(BlockAction action)
    {
        int size = ItemSize, count = Count;
        var buffer = new byte[Math.Min(count, BlockElements) * size];
        for (int start = 0; start < count; start += BlockElements)
        {
            int n = Math.Min(BlockElements, count - start);
            var bytes = buffer.AsSpan(0, n * size);
            _data.CopyTo((long)start * size, bytes);
            action(start, bytes);
        }
    }
}
