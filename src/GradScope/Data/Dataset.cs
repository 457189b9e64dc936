using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// A labelled set of examples in memory: one row of <see cref="Inputs"/> per example.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, Matrix<float> inputs, int[] labels, int classes, ImageShape? imageShape = null)
    {
        if (inputs.Rows != labels.Length)
            throw new ArgumentException($"Dataset '{name}': {inputs.Rows} input rows but {labels.Length} labels.");
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), $"Dataset '{name}': {classes} classes.");
        if (imageShape is not null && imageShape.Pixels != inputs.Cols)
            throw new ArgumentException($"Dataset '{name}': image shape {imageShape} does not match {inputs.Cols} features.");
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"Dataset '{name}': label {labels[i]} of example {i} is outside [0, {classes}).");
        }
        Name = name;
        Inputs = inputs;
        Labels = labels;
        Classes = classes;
        ImageShape = imageShape;
    }

    public string Name { get; }

    /// <summary>Count × Features, row-major.</summary>
    public Matrix<float> Inputs { get; }

    /// <summary>Class index in [0, <see cref="Classes"/>) per example.</summary>
    public int[] Labels { get; }

    public int Classes { get; }

    /// <summary>Set for image datasets; null for feature vectors such as Gaussian noise.</summary>
    public ImageShape? ImageShape { get; }

    public int Count => Inputs.Rows;

    public int Features => Inputs.Cols;

    /// <summary>What a network trained on this data is built for.</summary>
    public DataShape Shape => new(Features, Classes);

    /// <summary>The first <paramref name="count"/> examples (all of them if there are fewer).</summary>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count) return this;
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = i;
        return Select(indices, $"{Name}[:{count}]");
    }

    /// <summary>
    /// <paramref name="count"/> examples drawn without replacement from a stream fixed by
    /// <paramref name="seed"/>, kept in their original order (shuffling is the batcher's job).
    /// </summary>
    public Dataset RandomSubset(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count) return this;
        var all = new int[Count];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        // Partial Fisher–Yates: the first `count` slots become a uniform sample without replacement.
        var rng = Rng.ForStream(seed, SubsetStreamLabel);
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(all.Length - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var chosen = all.AsSpan(0, count).ToArray();
        Array.Sort(chosen);
        return Select(chosen, $"{Name}[random {count}, seed {seed}]");
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order, copied into a new dataset.</summary>
    public Dataset Select(ReadOnlySpan<int> indices, string? name = null)
    {
        var inputs = new Matrix<float>(indices.Length, Features);
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Inputs.Row(indices[i]).CopyTo(inputs.Row(i));
            labels[i] = Labels[indices[i]];
        }
        return new Dataset(name ?? Name, inputs, labels, Classes, ImageShape);
    }

    public override string ToString() =>
        $"{Name}: {Count} examples × {Features} features{(ImageShape is null ? "" : $" ({ImageShape})")}, {Classes} classes";

    // Distinct from the mini-batcher's (seed, epoch) streams so a subset never mirrors an epoch order.
    private const ulong SubsetStreamLabel = 0x5355_4253_4554UL; // "SUBSET"
}
