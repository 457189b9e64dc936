using System.Numerics;
using System.Runtime.InteropServices;
using GradScope.Tensors;

namespace GradScope.IO;

/// <summary>
/// A tensor to be written: name, element type, shape and the array that holds its elements
/// (referenced, not copied, so saving a large matrix costs no extra memory).
/// </summary>
public sealed class NamedTensor
{
    private readonly Array _data;

    private NamedTensor(string name, SafeTensorDType dtype, int[] shape, Array data, int arrayLength)
    {
        long count = ElementCount(shape);
        if (count != arrayLength)
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape [{string.Join(", ", shape)}] needs {count} elements but the data has {arrayLength}.");
        }
        if (name == SafeTensorsFile.MetadataKey)
            throw new ArgumentException($"'{SafeTensorsFile.MetadataKey}' is reserved for the header metadata.", nameof(name));
        Name = name;
        DType = dtype;
        Shape = shape;
        _data = data;
        Count = (int)count;
    }

    public string Name { get; }

    public SafeTensorDType DType { get; }

    public IReadOnlyList<int> Shape { get; }

    /// <summary>Number of elements: the product of the shape (1 for a scalar).</summary>
    public int Count { get; }

    /// <summary>An F32 tensor; without a shape it is the vector [data.Length].</summary>
    public static NamedTensor Float32(string name, float[] data, params int[] shape) =>
        new(name, SafeTensorDType.F32, ShapeOrVector(shape, data.Length), data, data.Length);

    public static NamedTensor Float64(string name, double[] data, params int[] shape) =>
        new(name, SafeTensorDType.F64, ShapeOrVector(shape, data.Length), data, data.Length);

    public static NamedTensor Int64(string name, long[] data, params int[] shape) =>
        new(name, SafeTensorDType.I64, ShapeOrVector(shape, data.Length), data, data.Length);

    /// <summary>A rows × cols tensor from a matrix: F32 for float, F64 for double.</summary>
    public static NamedTensor FromMatrix<T>(string name, Matrix<T> matrix) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(name, DTypeOf<T>(), [matrix.Rows, matrix.Cols], matrix.Span.ToArray(), matrix.Length);

    /// <summary>A 1-D tensor (e.g. a bias or batch-norm gain) of F32 or F64.</summary>
    public static NamedTensor FromVector<T>(string name, T[] vector) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(name, DTypeOf<T>(), [vector.Length], vector, vector.Length);

    /// <summary>A scalar I64 (step counters and the like).</summary>
    public static NamedTensor Scalar(string name, long value) => new(name, SafeTensorDType.I64, [], new[] { value }, 1);

    /// <summary>The elements as little-endian bytes.</summary>
    internal ReadOnlySpan<byte> Bytes => _data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan(0, Count)),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan(0, Count)),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan(0, Count)),
        _ => throw new InvalidOperationException($"Unsupported array type {_data.GetType()}."),
    };

    internal long ByteLength => (long)Count * DType.ByteSize();

    internal static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0) throw new ArgumentException($"Negative dimension {dim} in shape.");
            count = checked(count * dim);
        }
        return count;
    }

    private static int[] ShapeOrVector(int[] shape, int length) => shape.Length == 0 ? [length] : shape;

    private static SafeTensorDType DTypeOf<T>() =>
        typeof(T) == typeof(float) ? SafeTensorDType.F32
        : typeof(T) == typeof(double) ? SafeTensorDType.F64
        : throw new NotSupportedException($"No safetensors dtype for {typeof(T).Name}; use float or double.");
}
