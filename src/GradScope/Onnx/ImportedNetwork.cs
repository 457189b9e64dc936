using System.Numerics;
using System.Text;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>
/// A user's network read from ONNX as the engine's own <see cref="Network{T}"/> (blocks of SPEC §6, output layer,
/// softmax cross-entropy), so every diagnostic runs on it unchanged. Blocks and layers carry the user's module names.
/// </summary>
public sealed class ImportedNetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal ImportedNetwork(string path, OnnxGraph graph, Network<T> network, ParameterSet<T> parameters,
        IReadOnlyList<ParameterSource?> sources, IReadOnlyList<string> notes, BatchNormMode mode)
    {
        ModelPath = path;
        Opset = graph.Opset;
        Producer = graph.ProducerName;
        InputShape = graph.InputShape;
        Network = network;
        Parameters = parameters;
        Sources = sources;
        Notes = notes;
        Mode = mode;
    }

    public string ModelPath { get; }
    public int Opset { get; }
    public string Producer { get; }
    /// <summary>The declared input shape (null: symbolic), before flattening.</summary>
    public IReadOnlyList<long?> InputShape { get; }
    public Network<T> Network { get; }
    /// <summary>θ as stored in the model.</summary>
    public ParameterSet<T> Parameters { get; }
    /// <summary>Where each parameter of <see cref="Network{T}.Layout"/> came from (null: made by the importer).</summary>
    public IReadOnlyList<ParameterSource?> Sources { get; }
    /// <summary>What the import decided on the user's behalf (dropped LogSoftmax, batch-norm statistics, …).</summary>
    public IReadOnlyList<string> Notes { get; }
    public BatchNormMode Mode { get; }

    public string Name => Path.GetFileName(ModelPath);

    /// <summary>The network printed as its blocks (with the user's names) and sizes.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        var network = Network;
        sb.AppendLine($"{Name} (ONNX opset {Opset}{(Producer.Length > 0 ? ", from " + Producer : "")})  —  " +
            $"{network.Layout.TrainableCount:N0} trainable parameters, {network.Blocks.Sum(b => b.LinearCount) + 1} linear layers");
        for (int b = 0; b < network.BlockCount; b++)
            sb.AppendLine($"  [{network.BlockCount - b,3}] {network.Blocks[b].Name}: {network.Blocks[b].Describe()}");
        sb.AppendLine($"        output {network.Output.Name}: {network.Output.Describe()} → softmax cross-entropy (position 0)");
        foreach (var note in Notes) sb.AppendLine($"  note: {note}");
        return sb.ToString().TrimEnd();
    }

    public override string ToString() => Describe();
}
