using System.Numerics;
using System.Runtime.CompilerServices;

namespace GradScope.Tensors;

/// <summary>
/// A dense row-major matrix over a reusable buffer. Rows are examples (batch), columns are features.
/// The buffer may be larger than Rows × Cols so that one allocation serves batches of every size
/// (the last mini-batch of an epoch is smaller): <see cref="Resize"/> never shrinks the buffer. The elements start at an
/// offset in their array (<see cref="MatrixMemory"/> carves many matrices from one array backed by 2 MiB pages).
/// </summary>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _data;
    private int _offset;
    private long _capacity; // elements from _offset on that belong to this matrix (a carved array holds others after them)

    public Matrix(int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Matrix shape {rows}×{cols} is negative.");
        Rows = rows;
        Cols = cols;
        _capacity = (long)rows * cols;
        (_data, _offset) = MatrixMemory.Allocate<T>(_capacity);
    }

    public Matrix(int rows, int cols, T[] data)
    {
        if ((long)rows * cols > data.Length)
            throw new ArgumentException($"Buffer of {data.Length} elements is too small for {rows}×{cols}.");
        Rows = rows;
        Cols = cols;
        _data = data;
        _capacity = data.Length;
    }

    public int Rows { get; private set; }
    public int Cols { get; private set; }
    public int Length => Rows * Cols;

    public Span<T> Span => _data.AsSpan(_offset, Rows * Cols);

    public Span<T> Row(int r) => _data.AsSpan(_offset + r * Cols, Cols);

    /// <summary>Rows [r0, r0 + rows) of the buffer, which may lie past <see cref="Rows"/> within the buffer's capacity (a
    /// row-sliced pass fills a batch's rows slice by slice).</summary>
    public Span<T> RowBlock(int r0, int rows)
    {
        if (r0 < 0 || rows < 0 || (long)(r0 + rows) * Cols > _capacity)
            throw new ArgumentOutOfRangeException(nameof(rows), $"Rows [{r0}, {r0 + rows}) lie outside the buffer of {this}.");
        return _data.AsSpan(_offset + r0 * Cols, rows * Cols);
    }

    /// <summary>A matrix over rows [r0, r0 + rows) of this one's elements, without a copy: writes through either show in the
    /// other. Growing the view past those rows gives it storage of its own (a fresh array), as for any matrix.</summary>
    public Matrix<T> RowsView(int r0, int rows)
    {
        RowBlock(r0, rows); // bounds check
        return new Matrix<T>(this, r0, rows);
    }

    private Matrix(Matrix<T> source, int r0, int rows)
    {
        Rows = rows;
        Cols = source.Cols;
        _data = source._data;
        _offset = source._offset + r0 * source.Cols;
        _capacity = (long)rows * source.Cols;
    }

    public ref T this[int r, int c]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _data[_offset + r * Cols + c];
    }

    /// <summary>Reshape in place, growing the buffer only when needed. Contents are unspecified afterwards.</summary>
    public Matrix<T> Resize(int rows, int cols)
    {
        long needed = (long)rows * cols;
        if (needed > _capacity)
        {
            (_data, _offset) = MatrixMemory.Allocate<T>(needed);
            _capacity = needed;
        }
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
