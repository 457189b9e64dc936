namespace GradScope.Data;

/// <summary>
/// Where a dataset was found: <see cref="Source"/> says which rule of the lookup order matched
/// ("--data", "GRADSCOPE_DATA" or "default") so a run can record and print it.
/// </summary>
public sealed record DatasetLocation(string Name, string Directory, DatasetFormat Format, string Source)
{
    public DatasetSplits Load() => Format switch
    {
        DatasetFormat.Idx => IdxReader.LoadDirectory(Directory, Name),
        DatasetFormat.Cifar10Binary => Cifar10Reader.LoadDirectory(Directory, Name),
        _ => throw new InvalidOperationException($"Unknown dataset format {Format}."),
    };

    public override string ToString() => $"{Name} ({Format}) in {Directory} [from {Source}]";
}
