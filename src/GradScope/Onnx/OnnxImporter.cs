using System.Numerics;
using GradScope.IO;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>
/// Reads a PyTorch network exported with <c>torch.onnx.export</c> as a GradScope network and parameters, and its
/// initial parameters θ⁰ from a second export of the same graph or from a safetensors state_dict.
/// </summary>
public static class OnnxImporter
{
    public static ImportedNetwork<T> Import<T>(string path, OnnxImportOptions? options = null) where T : unmanaged,
        IFloatingPointIeee754<T> =>
        new OnnxNetworkBuilder<T>(OnnxGraph.Load(path), options ?? new OnnxImportOptions()).Build();

    /// <summary>θ⁰ from another ONNX export of the same network (same graph, other weights).</summary>
    public static ParameterSet<T> InitialFromOnnx<T>(ImportedNetwork<T> model, string initPath) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        var init = Import<T>(initPath, new OnnxImportOptions { Mode = model.Mode });
        var a = model.Network.Layout.Entries;
        var b = init.Network.Layout.Entries;
        if (a.Count != b.Count)
            throw OnnxImportException.InFile(initPath,
                $"is not the same network as {model.Name}: {b.Count} parameter tensors instead of {a.Count}");
        for (int i = 0; i < a.Count; i++)
            if (a[i].Name != b[i].Name || a[i].Rows != b[i].Rows || a[i].Cols != b[i].Cols)
                throw OnnxImportException.InFile(initPath,
                    $"is not the same network as {model.Name}: '{b[i].Name}' ({b[i].Rows}×{b[i].Cols}) " +
                    $"where {model.Name} has '{a[i].Name}' ({a[i].Rows}×{a[i].Cols})");
        var theta0 = new ParameterSet<T>(model.Network.Layout);
        theta0.CopyFrom(init.Parameters);
        return theta0;
    }

    /// <summary>
    /// θ⁰ from a safetensors file of the model's initial state_dict (<c>safetensors.torch.save_file(model.state_dict(), …)</c>):
    /// each tensor is found under its ONNX initializer name or, failing that, under the module's state_dict name. Values
    /// the importer made itself (a missing bias, an affine-free layer norm's unit gain) are kept.
    /// </summary>
    public static ParameterSet<T> InitialFromSafeTensors<T>(ImportedNetwork<T> model, string path) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        var file = SafeTensorsFile.Read(path);
        var layout = model.Network.Layout;
        var theta0 = model.Parameters.Clone();
        for (int i = 0; i < layout.Count; i++)
        {
            var source = model.Sources[i];
            if (source is null) continue;
            string? name = source.Initializer is { } init && file.Contains(init) ? init
                : source.StateDictName is { } sd && file.Contains(sd) ? sd : null;
            if (name is null)
                throw OnnxImportException.InFile(path, $"has no tensor '{source.StateDictName ?? source.Initializer}' " +
                    $"(θ⁰ of {layout.Entries[i].Name}); write the model's initial state_dict with safetensors.torch.save_file");
            var info = file.GetInfo(name);
            var entry = layout.Entries[i];
            if (info.Count != entry.Length)
                throw OnnxImportException.InFile(path,
                    $"tensor '{name}' has {info.Count} values; {entry.Name} needs {entry.Length} ({entry.Rows}×{entry.Cols})");
            var values = file.GetArray<double>(name);
            var target = theta0[i].Span;
            // The state_dict holds PyTorch's own layout (out × in); an initializer holds whatever the graph stored.
            bool transposed = source.Transposed && name == source.Initializer;
            for (int r = 0; r < entry.Rows; r++)
                for (int c = 0; c < entry.Cols; c++)
                {
                    double v = transposed ? values[c * entry.Rows + r] : values[r * entry.Cols + c];
                    target[r * entry.Cols + c] = T.CreateChecked(source.Scale * v);
                }
        }
        ImportedParameters.RequireValid(path, theta0, i => model.Sources[i] is { } s
            ? $"tensor '{s.StateDictName ?? s.Initializer}' (θ⁰ of {layout.Entries[i].Name})" : layout.Entries[i].Name);
        return theta0;
    }
}
