namespace GradScope.Onnx;

/// <summary>How batch norm normalises an imported network.</summary>
public enum BatchNormMode
{
    /// <summary>The analysed batch's own statistics, as in training (SPEC §2.2; the default).</summary>
    Train,
    /// <summary>The running statistics stored in the model, as <c>model.eval()</c>.</summary>
    Eval,
}

public sealed record OnnxImportOptions
{
    public BatchNormMode Mode { get; init; } = BatchNormMode.Train;
}
