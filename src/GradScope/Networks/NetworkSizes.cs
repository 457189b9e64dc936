namespace GradScope.Networks;

/// <summary>
/// The sizes of a zoo network that do not come from the data, with the defaults of SPEC §1.2 (written only here):
/// 50 linear layers of width 100, residual units of m = 2 layers, w_r = 1/√U.
/// </summary>
public sealed record NetworkSizes
{
    public const int DefaultLinearLayers = 50;
    public const int DefaultWidth = 100;
    public const int DefaultUnitSize = 2;

    public static NetworkSizes Default { get; } = new();

    /// <summary>
    /// Linear layers, the output layer excluded: the compositional depth. Not the number of blocks, which is smaller
    /// for ResNets (<see cref="ArchitectureSpec.BlockCount"/>).
    /// </summary>
    public int LinearLayers { get; init; } = DefaultLinearLayers;
    /// <summary>Units of every hidden layer.</summary>
    public int Width { get; init; } = DefaultWidth;
    /// <summary>m, linear layers per residual unit (ResNets only).</summary>
    public int UnitSize { get; init; } = DefaultUnitSize;
    /// <summary>w_r, the branch weight of ResNets; null means 1/√U for U residual units.</summary>
    public double? ResidualWeight { get; init; }

    /// <summary>Throws a one-line explanation when the sizes are impossible for every family.</summary>
    public NetworkSizes Validate()
    {
        if (LinearLayers < 1) throw new ArgumentException($"Depth must be at least 1 linear layer (got {LinearLayers}).");
        if (Width < 1) throw new ArgumentException($"Width must be positive (got {Width}).");
        if (UnitSize < 1) throw new ArgumentException($"Residual units need m ≥ 1 linear layers (got {UnitSize}).");
        if (ResidualWeight is double w && (!double.IsFinite(w) || w < 0))
            throw new ArgumentException($"The residual weight must be finite and ≥ 0 (got {w}).");
        return this;
    }
}
