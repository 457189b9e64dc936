namespace GradScope.Onnx;

/// <summary>One step of an imported network in application order, before it is grouped into blocks (SPEC §6).</summary>
internal abstract record ChainItem(OnnxNode Node)
{
    /// <summary>Every graph node the item stands for (a fused element-wise run or a decomposed layer norm has several).</summary>
    public virtual IEnumerable<OnnxNode> Nodes => [Node];
}

/// <summary>Where an imported parameter came from, so θ⁰ can be read from another file with the same names.</summary>
/// <param name="Initializer">The ONNX initializer name (null for values the importer made, e.g. a missing bias).</param>
/// <param name="StateDictName">The name PyTorch's state_dict most likely uses (module path + .weight/.bias/…).</param>
/// <param name="Transposed">The ONNX tensor holds the transpose (MatMul weights are in × out).</param>
/// <param name="Scale">Factor applied on import (Gemm's alpha and beta).</param>
public sealed record ParameterSource(string? Initializer, string? StateDictName, bool Transposed = false, double Scale = 1);

/// <summary>A linear map y = x·Wᵀ + b; W is out × in, row-major.</summary>
internal sealed record LinearItem(OnnxNode Node, int In, int Out, double[] Weight, double[]? Bias, ParameterSource WeightSource,
    ParameterSource? BiasSource, IReadOnlyList<OnnxNode> Fused) : ChainItem(Node)
{
    public override IEnumerable<OnnxNode> Nodes => Fused.Prepend(Node);
}

internal enum ImportedNorm { Batch, Layer }

/// <summary>Batch or layer normalisation with its affine parameters (and running statistics for batch norm).</summary>
internal sealed record NormItem(OnnxNode Node, ImportedNorm Kind, int Dim, double Epsilon, double[] Gain, double[] Bias,
    double[]? RunningMean, double[]? RunningVar, ParameterSource?[] Sources, IReadOnlyList<OnnxNode> Fused) : ChainItem(Node)
{
    public override IEnumerable<OnnxNode> Nodes => Fused.Prepend(Node);
}

/// <summary>An element-wise function of one or more fused nodes (Node: the last one).</summary>
internal sealed record FunctionItem(OnnxNode Node, ScalarFunction Function, IReadOnlyList<OnnxNode> Fused) : ChainItem(Node)
{
    public override IEnumerable<OnnxNode> Nodes => Fused;
}

/// <summary>h + w · branch(h), between a fork and its Add.</summary>
internal sealed record ResidualItem(OnnxNode Node, IReadOnlyList<ChainItem> Branch, double Weight) : ChainItem(Node)
{
    public override IEnumerable<OnnxNode> Nodes => Branch.SelectMany(i => i.Nodes).Prepend(Node);
}

/// <summary>A final LogSoftmax: dropped, since softmax cross-entropy of log-softmax(z) equals that of z.</summary>
internal sealed record LogSoftmaxItem(OnnxNode Node) : ChainItem(Node);
