using Google.Protobuf;
using GradScope.IO;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Onnx.Proto;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>
/// Writes a zoo network as an ONNX model (opset 17, float32), the way PyTorch would export the same module tree: node
/// names carry the layer names as scopes (<c>/blocks.3.linear/Gemm</c>) and initializers the parameter names, so
/// <see cref="OnnxImporter"/> reads back the same blocks, names and parameters — and the same report.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;

    public static ModelProto ToModel<T>(Network<T> network, ParameterSet<T> theta) where T : unmanaged,
        System.Numerics.IFloatingPointIeee754<T>
    {
        var graph = new GraphProto { Name = network.Spec.Name };
        graph.Input.Add(Value("input", network.InputDim));
        graph.Output.Add(Value("logits", network.Classes));
        for (int i = 0; i < theta.Count; i++)
        {
            var info = theta.Layout.Entries[i];
            bool matrix = info.Name.EndsWith(".weight", StringComparison.Ordinal) && info.Rows > 1;
            graph.Initializer.Add(Tensor(info.Name, matrix ? [info.Rows, info.Cols] : [info.Length], theta[i].Span));
        }
        string x = "input";
        foreach (var block in network.Blocks)
        {
            if (block is ResidualUnit<T> unit)
            {
                string h = x;
                foreach (var layer in unit.Layers) x = Emit(graph, layer, x);
                if (unit.ResidualWeight != 1)
                {
                    string weight = $"{unit.Name}.residual_weight";
                    graph.Initializer.Add(Tensor<float>(weight, [], [(float)unit.ResidualWeight]));
                    x = Node(graph, $"/{unit.Name}/Mul", "Mul", [x, weight]);
                }
                x = Node(graph, $"/{unit.Name}/Add", "Add", [h, x]);
            }
            else
                foreach (var layer in block.Layers) x = Emit(graph, layer, x);
        }
        Node(graph, $"/{network.Output.Name}/Gemm", "Gemm", [x, $"{network.Output.Name}.weight", $"{network.Output.Name}.bias"], "logits");
        graph.Node[^1].Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        var model = new ModelProto { IrVersion = 8, ProducerName = "gradscope", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>Writes the model atomically.</summary>
    public static void Export<T>(string path, Network<T> network, ParameterSet<T> theta) where T : unmanaged,
        System.Numerics.IFloatingPointIeee754<T> =>
        AtomicFile.WriteAllBytes(path, ToModel(network, theta).ToByteArray());

    private static string Emit<T>(GraphProto graph, Layer<T> layer, string x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        string scope = $"/{layer.Name}/";
        switch (layer)
        {
            case Linear<T> linear:
            {
                string[] inputs = linear.BiasIndex >= 0
                    ? [x, $"{layer.Name}.weight", $"{layer.Name}.bias"]
                    : [x, $"{layer.Name}.weight"];
                string y = Node(graph, scope + "Gemm", "Gemm", inputs);
                graph.Node[^1].Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                return y;
            }
            case BatchNorm<T> bn:
            {
                string y = Node(graph, scope + "BatchNormalization", "BatchNormalization",
                    [x, $"{layer.Name}.weight", $"{layer.Name}.bias", $"{layer.Name}.running_mean", $"{layer.Name}.running_var"]);
                graph.Node[^1].Attribute.Add(FloatAttribute("epsilon", (float)bn.Eps));
                graph.Node[^1].Attribute.Add(FloatAttribute("momentum", (float)(1 - BatchNorm<T>.Momentum)));
                return y;
            }
            case LayerNorm<T> ln:
            {
                string y = Node(graph, scope + "LayerNormalization", "LayerNormalization",
                    [x, $"{layer.Name}.weight", $"{layer.Name}.bias"]);
                graph.Node[^1].Attribute.Add(FloatAttribute("epsilon", (float)ln.Eps));
                graph.Node[^1].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
                return y;
            }
            default:
            {
                string op = layer.Describe() switch
                {
                    "relu" => "Relu",
                    "tanh" => "Tanh",
                    "selu" => "Selu",
                    "linear" => "Identity",
                    var other => throw new NotSupportedException($"No ONNX export for layer {other} ({layer.Name})."),
                };
                return Node(graph, scope + op, op, [x]);
            }
        }
    }

    private static string Node(GraphProto graph, string name, string op, string[] inputs, string? output = null)
    {
        var node = new NodeProto { Name = name, OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? name + "_output_0");
        graph.Node.Add(node);
        return node.Output[0];
    }

    private static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static ValueInfoProto Value(string name, int features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = shape } },
        };
    }

    private static TensorProto Tensor<T>(string name, long[] dims, ReadOnlySpan<T> values) where T : unmanaged,
        System.Numerics.IFloatingPointIeee754<T>
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), float.CreateTruncating(values[i]));
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
