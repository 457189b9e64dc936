using GradScope.Data;

namespace GradScope.IO;

/// <summary>
/// Stores a fitted <see cref="Standardizer"/> in a checkpoint as two F32 vectors,
/// "{prefix}.mean" and "{prefix}.scale", so evaluating a saved model applies the same transform.
/// </summary>
public static class StandardizerTensors
{
    public const string DefaultPrefix = "standardizer";

    public static IEnumerable<NamedTensor> ToNamedTensors(this Standardizer standardizer, string prefix = DefaultPrefix) =>
    [
        NamedTensor.FromVector($"{prefix}.mean", standardizer.Mean),
        NamedTensor.FromVector($"{prefix}.scale", standardizer.Scale),
    ];

    public static Standardizer ReadStandardizer(this SafeTensorsFile file, string prefix = DefaultPrefix)
    {
        var mean = file.GetFloat($"{prefix}.mean");
        var scale = file.GetFloat($"{prefix}.scale");
        if (mean.Shape.Length != 1 || scale.Shape.Length != 1 || mean.Data.Length != scale.Data.Length)
            throw CheckpointFormatException.InFile(file.Path, $"'{prefix}.mean' and '{prefix}.scale' must be vectors of equal length");
        try
        {
            return new Standardizer(mean.Data, scale.Data);
        }
        catch (ArgumentException e)
        {
            throw CheckpointFormatException.InFile(file.Path, e.Message, e);
        }
    }
}
