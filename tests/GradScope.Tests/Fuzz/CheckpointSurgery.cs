using GradScope.IO;

namespace GradScope.Tests.Fuzz;

/// <summary>Rewrites a checkpoint with one tensor or metadata entry changed, as a careless or hostile tool would.</summary>
internal static class CheckpointSurgery
{
    public sealed record Tensor(string Name, float[] Data, int[] Shape);

    public static (List<Tensor> Tensors, Dictionary<string, string> Metadata) Open(string path)
    {
        var file = SafeTensorsFile.Read(path);
        var tensors = file.Names.Select(n => new Tensor(n, file.GetArray<float>(n), file.GetInfo(n).Shape)).ToList();
        return (tensors, new Dictionary<string, string>(file.Metadata));
    }

    public static void Save(string path, IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string> metadata) =>
        SafeTensorsFile.Write(path, tensors.Select(t => NamedTensor.Float32(t.Name, t.Data, t.Shape)), metadata);

    /// <summary>Applies <paramref name="change"/> to the tensor named <paramref name="name"/> and writes the file back.</summary>
    public static void Edit(string path, string name, Func<Tensor, Tensor> change)
    {
        var (tensors, metadata) = Open(path);
        Save(path, tensors.Select(t => t.Name == name ? change(t) : t), metadata);
    }

    public static void EditMetadata(string path, string key, Func<string, string> change)
    {
        var (tensors, metadata) = Open(path);
        metadata[key] = change(metadata[key]);
        Save(path, tensors, metadata);
    }
}
