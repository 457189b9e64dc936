using System.Numerics;
using System.Runtime.CompilerServices;

namespace GradScope.Tensors;

/// <summary>
/// A dense row-major matrix over a reusable buffer. Rows are examples (batch), columns are features.
/// The buffer may be larger than Rows × Cols so that one allocation serves batches of every size
/// (the last mini-batch of an epoch is smaller): <see cref="Resize"/> never shrinks the buffer.
/// </summary>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _data;

    public Matrix(int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Matrix shape {rows}×{cols} is negative.");
        Rows = rows;
        Cols = cols;
        _data = HugePages.Allocate<T>((long)rows * cols);
    }

    public Matrix(int rows, int cols, T[] data)
    {
        if ((long)rows * cols > data.Length)
            throw new ArgumentException($"Buffer of {data.Length} elements is too small for {rows}×{cols}.");
        Rows = rows;
        Cols = cols;
        _data = data;
    }

    public int Rows { get; private set; }
    public int Cols { get; private set; }
    public int Length => Rows * Cols;

    /// <summary>The underlying buffer; only the first <see cref="Length"/> elements are meaningful.</summary>
    public T[] Buffer => _data;

    public Span<T> Span => _data.AsSpan(0, Rows * Cols);

    public Span<T> Row(int r) => _data.AsSpan(r * Cols, Cols);

    public ref T this[int r, int c]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _data[r * Cols + c];
    }

    /// <summary>Reshape in place, growing the buffer only when needed. Contents are unspecified afterwards.</summary>
    public Matrix<T> Resize(int rows, int cols)
    {
        long needed = (long)rows * cols;
        if (needed > _data.Length) _data = HugePages.Allocate<T>(needed);
        Rows = rows;
        Cols = cols;
        return this;
    }

    public void Clear() => Span.Clear();

    public Matrix<T> Clone()
    {
        var m = new Matrix<T>(Rows, Cols);
        Span.CopyTo(m.Span);
        return m;
    }

    public void CopyFrom(Matrix<T> source)
    {
        Resize(source.Rows, source.Cols);
        source.Span.CopyTo(Span);
    }

    public static Matrix<T> FromRows(T[][] rows)
    {
        int cols = rows.Length == 0 ? 0 : rows[0].Length;
        var m = new Matrix<T>(rows.Length, cols);
        for (int r = 0; r < rows.Length; r++) rows[r].CopyTo(m.Row(r));
        return m;
    }

    /// <summary>Element-wise conversion to another precision (float ⇄ double).</summary>
    public Matrix<TOut> Convert<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var m = new Matrix<TOut>(Rows, Cols);
        var src = Span;
        var dst = m.Span;
        for (int i = 0; i < src.Length; i++) dst[i] = TOut.CreateTruncating(src[i]);
        return m;
    }

    public override string ToString() => $"Matrix<{typeof(T).Name}>[{Rows}×{Cols}]";
}
