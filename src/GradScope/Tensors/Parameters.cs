using System.Numerics;

namespace GradScope.Tensors;

/// <summary>Name, shape and role of one parameter tensor; vectors are stored as 1 × n.</summary>
/// <param name="Name">PyTorch-style name, e.g. <c>blocks.3.linear.weight</c>.</param>
/// <param name="Trainable">False for buffers such as batch-norm running statistics.</param>
public sealed record ParameterInfo(string Name, int Rows, int Cols, bool Trainable)
{
    public int Length => Rows * Cols;
}

/// <summary>
/// The list of parameter tensors a network definition needs. Layers register their tensors while the
/// network is built and keep the returned index; a <see cref="ParameterSet{T}"/> is one set of values
/// for this layout. Keeping the two apart lets θ and θ⁰ share one network definition (SPEC §6).
/// </summary>
public sealed class ParameterLayout
{
    private readonly List<ParameterInfo> _entries = [];
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    public IReadOnlyList<ParameterInfo> Entries => _entries;
    public int Count => _entries.Count;

    public int Add(string name, int rows, int cols, bool trainable = true)
    {
        if (_byName.ContainsKey(name)) throw new InvalidOperationException($"Parameter '{name}' is declared twice.");
        _byName[name] = _entries.Count;
        _entries.Add(new ParameterInfo(name, rows, cols, trainable));
        _trainableCount = null;
        return _entries.Count - 1;
    }

    public int IndexOf(string name) =>
        _byName.TryGetValue(name, out int index) ? index : throw new KeyNotFoundException($"No parameter named '{name}'.");

    public bool Contains(string name) => _byName.ContainsKey(name);

    private long? _trainableCount;

    /// <summary>Entries of all trainable tensors (counted once: every optimizer step asks).</summary>
    public long TrainableCount => _trainableCount ??= _entries.Where(e => e.Trainable).Sum(e => (long)e.Length);
}

/// <summary>One set of values for a <see cref="ParameterLayout"/> (parameters, or their gradients).</summary>
public sealed class ParameterSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Matrix<T>[] _tensors;

    public ParameterSet(ParameterLayout layout)
    {
        Layout = layout;
        _tensors = layout.Entries.Select(e => new Matrix<T>(e.Rows, e.Cols)).ToArray();
    }

    public ParameterLayout Layout { get; }
    public int Count => _tensors.Length;
    public Matrix<T> this[int index] => _tensors[index];
    public Matrix<T> this[string name] => _tensors[Layout.IndexOf(name)];

    public void Clear()
    {
        foreach (var t in _tensors) t.Clear();
    }

    public ParameterSet<T> Clone()
    {
        var copy = new ParameterSet<T>(Layout);
        copy.CopyFrom(this);
        return copy;
    }

    public void CopyFrom(ParameterSet<T> source)
    {
        if (!ReferenceEquals(source.Layout, Layout) && source.Count != Count)
            throw new ArgumentException("Parameter sets have different layouts.");
        for (int i = 0; i < _tensors.Length; i++) source._tensors[i].Span.CopyTo(_tensors[i].Span);
    }

    /// <summary>The same values in another precision, for the same layout.</summary>
    public ParameterSet<TOut> Convert<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var result = new ParameterSet<TOut>(Layout);
        for (int i = 0; i < _tensors.Length; i++)
        {
            var src = _tensors[i].Span;
            var dst = result[i].Span;
            for (int j = 0; j < src.Length; j++) dst[j] = TOut.CreateTruncating(src[j]);
        }
        return result;
    }

    /// <summary>True when every value is finite (used to detect divergence).</summary>
    public bool AllFinite()
    {
        foreach (var t in _tensors)
            foreach (var v in t.Span)
                if (!T.IsFinite(v)) return false;
        return true;
    }
}
