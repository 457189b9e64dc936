using GradScope.IO;
using GradScope.Tensors;

namespace GradScope.Training;

/// <summary>
/// Checks a checkpoint against what its metadata promises as it is read (issue 15): the format version, that
/// every stored tensor belongs to the architecture (metadata saying depth 3 for a file with 4 blocks is an
/// error, not a dropped block), full shapes (a transposed [784, 16] weight is not a [16, 784] one), finite
/// values and non-negative running variances. Each error names the file, the tensor and the first bad index.
/// </summary>
internal static class CheckpointValidation
{
    private static readonly string[] OtherPrefixes = ["optimizer.", StandardizerTensors.DefaultPrefix + "."];

    /// <summary>Missing "format" is accepted (files written before the key existed); any other value is refused.</summary>
    public static void CheckFormat(SafeTensorsFile file)
    {
        if (file.Metadata.TryGetValue("format", out var format) && format != Checkpoint.Format)
            throw CheckpointFormatException.InFile(file.Path,
                $"format '{format}' is not {Checkpoint.Format}, the only version this GradScope reads");
    }

    /// <summary>Every tensor in the file must be a parameter of the layout (θ or θ⁰), an optimizer slot or the standardizer.</summary>
    public static void CheckNoStrayTensors(SafeTensorsFile file, ParameterLayout layout, string architecture)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in layout.Entries)
        {
            expected.Add(info.Name);
            expected.Add(Checkpoint.InitPrefix + info.Name);
        }
        foreach (string name in file.Names)
        {
            if (expected.Contains(name) || OtherPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))) continue;
            throw CheckpointFormatException.InFile(file.Path,
                $"tensor '{name}' is not part of the architecture in the metadata ({architecture}); metadata and tensors disagree");
        }
    }

    /// <summary>The stored shape a parameter must have: out × in for weight matrices, a vector for everything else.</summary>
    public static int[] ExpectedShape(ParameterInfo info, bool isMatrix) => isMatrix ? [info.Rows, info.Cols] : [info.Length];

    public static void CheckShape(SafeTensorsFile file, string name, int[] expected)
    {
        var shape = file.GetInfo(name).Shape;
        if (!shape.SequenceEqual(expected))
            throw CheckpointFormatException.InFile(file.Path,
                $"tensor '{name}' has shape [{string.Join(", ", shape)}], the architecture needs [{string.Join(", ", expected)}]");
    }

    /// <summary>NaN/Inf anywhere, or a negative running variance, is refused with the first bad index.</summary>
    public static void CheckValues(string path, string name, ReadOnlySpan<float> values, int cols)
    {
        int bad = FiniteCheck.FirstNonFinite(values);
        if (bad >= 0)
            throw CheckpointFormatException.InFile(path,
                $"tensor '{name}' holds {values[bad]} at {Index(bad, cols)}; values must be finite");
        if (name.EndsWith("running_var", StringComparison.Ordinal))
        {
            bad = FiniteCheck.FirstNegative(values);
            if (bad >= 0)
                throw CheckpointFormatException.InFile(path, $"tensor '{name}' holds the negative variance {values[bad]} at index {bad}");
        }
    }

    /// <summary>The run configuration stored beside the architecture must describe the same network.</summary>
    public static void CheckConfigAgrees(string path, Networks.ArchitectureSpec architecture, Networks.ArchitectureSpec? configured)
    {
        if (configured is not null && configured != architecture)
            throw CheckpointFormatException.InFile(path,
                $"the 'config' metadata describes {configured}, the 'architecture' metadata {architecture}; metadata disagree");
    }

    private static string Index(int flat, int cols) => cols > 1 ? $"index [{flat / cols}, {flat % cols}]" : $"index {flat}";
}
