namespace GradScope.Networks;

/// <summary>
/// What a network takes from its data: input features and output classes. It is supplied once, when the
/// network meets its data (a loaded dataset, a .npy batch, or the command line's --input-dim/--classes).
/// </summary>
public readonly record struct DataShape(int InputDim, int Classes)
{
    /// <summary>Fashion-MNIST (SPEC §4, the default dataset): the shape assumed when a command is given no data.</summary>
    public static DataShape FashionMnist { get; } = new(784, 10);

    /// <summary>Throws a one-line explanation when no network can be built for this shape.</summary>
    public DataShape Validate()
    {
        if (InputDim < 1) throw new ArgumentException($"Input dimension must be positive (got {InputDim}).");
        if (Classes < 2) throw new ArgumentException($"At least 2 classes are needed (got {Classes}).");
        return this;
    }

    public override string ToString() => $"{InputDim} inputs, {Classes} classes";
}
