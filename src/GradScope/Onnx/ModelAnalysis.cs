using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.IO;
using GradScope.Limits;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>What <c>gradscope analyze --model</c> reads: the model, optionally θ⁰, and the analysed batch.</summary>
public sealed record ModelAnalysisRequest
{
    public required string ModelPath { get; init; }
    /// <summary>θ⁰ as a second ONNX export of the same network.</summary>
    public string? InitOnnx { get; init; }
    /// <summary>θ⁰ as a safetensors state_dict.</summary>
    public string? InitSafeTensors { get; init; }
    /// <summary>B × d .npy batch (the model's input flattened per example).</summary>
    public string? Inputs { get; init; }
    public string? Labels { get; init; }
    /// <summary>B Gaussian-noise inputs instead of a file.</summary>
    public int? Noise { get; init; }
    public BatchNormMode Mode { get; init; } = BatchNormMode.Train;
    public ulong Seed { get; init; } = 1;
}

/// <summary>The diagnostics of a user's own network (SPEC §2) from an ONNX file, with the report named after it.</summary>
public static class ModelAnalysis
{
    public static (ImportedNetwork<double> Model, DiagnosticsReport Report) Run(ModelAnalysisRequest request, DiagnosticsOptions options)
    {
        if (request.InitOnnx is not null && request.InitSafeTensors is not null)
            throw new ArgumentException("Give at most one of --init NET0.onnx and --init-safetensors INIT.safetensors.");
        if ((request.Inputs is null) == (request.Noise is null))
            throw new ArgumentException("With --model give exactly one input source: --inputs X.npy or --noise B.");
        var model = OnnxImporter.Import<double>(request.ModelPath, new OnnxImportOptions { Mode = request.Mode });
        // --mode eval chooses batch norm's running statistics; without batch norm it would be silently ignored.
        bool batchNorm = model.Network.Blocks.SelectMany(b => b.Layers).Any(l => l is RunningStatisticsBatchNorm<double>);
        if (request.Mode == BatchNormMode.Eval && !batchNorm)
            throw new ArgumentException($"--mode eval selects batch norm's running statistics, and {model.Name} has no batch norm.");
        var theta0 = request.InitOnnx is not null ? OnnxImporter.InitialFromOnnx(model, request.InitOnnx)
            : request.InitSafeTensors is not null ? OnnxImporter.InitialFromSafeTensors(model, request.InitSafeTensors)
            : null;
        var (inputs, labels) = ReadBatch(request, model.Network.InputDim, model.Network.Classes);
        // The import bounded each tensor; the diagnostics' θ copies and tapes over this batch must fit too (in double).
        NetworkFootprint.Require(model.Network.Spec, parameterCopies: 8, batch: inputs.Rows);
        var report = DiagnosticsRunner.Analyze(model.Network, model.Parameters, theta0, inputs, labels, options);
        return (model, Name(report, model, theta0 is not null));
    }

    /// <summary>The report names the user's model and states what the import decided.</summary>
    public static DiagnosticsReport Name(DiagnosticsReport report, ImportedNetwork<double> model, bool hasInit)
    {
        string description = model.Describe();
        if (!hasInit)
            description += "\n  note: no θ⁰ given (--init or --init-safetensors): "
                + "the residual trick and the effective depth are not computed";
        return report with { Architecture = $"onnx:{model.Name}", Description = description };
    }

    internal static (Matrix<double> Inputs, int[] Labels) ReadBatch(ModelAnalysisRequest request, int inputDim, int classes)
    {
        Matrix<double> x;
        int[]? y = null;
        if (request.Noise is int count)
        {
            if (count < 2) throw new ArgumentException($"--noise needs at least 2 examples (got {count}).");
            var noise = GaussianNoise.Create(count, inputDim, request.Seed, classes);
            x = noise.Inputs.Convert<double>();
            y = noise.Labels;
        }
        else
        {
            var array = Npy.Read(request.Inputs!);
            if (array.Shape.Length != 2 || array.Shape[1] != inputDim)
                throw DataFormatException.InFile(request.Inputs!,
                    $"holds an array of shape ({string.Join(", ", array.Shape)}); the model needs B × {inputDim} " +
                    "(one flattened example per row: x.reshape(len(x), -1))");
            // ToMatrix refuses NaN and ±Inf, naming the element: the zoo path and --model read inputs alike.
            x = array.ToMatrix().Convert<double>();
            if (x.Rows < 2)
                throw DataFormatException.InFile(request.Inputs!,
                    $"analysing needs a batch of at least 2 examples; the file holds {x.Rows}");
        }
        if (request.Labels is string labelsPath)
        {
            y = Npy.ReadInt32Array(labelsPath);
            if (y.Length != x.Rows) throw DataFormatException.InFile(labelsPath, $"{y.Length} labels for {x.Rows} inputs.");
        }
        else if (y is null)
        {
            var rng = Rng.ForStream(request.Seed, 0x1abe1);
            y = Enumerable.Range(0, x.Rows).Select(_ => rng.NextInt(classes)).ToArray();
        }
        foreach (int label in y)
            if ((uint)label >= (uint)classes)
                throw DataFormatException.InFile(request.Labels ?? request.ModelPath,
                    $"label {label} is outside [0, {classes}), the model's {classes} outputs");
        return (x, y);
    }
}
