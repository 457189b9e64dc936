using System.CommandLine;
using GradScope.Diagnostics;
using GradScope.IO;
using GradScope.Onnx;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary>
/// <c>analyze --model</c>: the user's own network, from an ONNX export (docs/own-models.md) or, with <c>--arch</c>, from a
/// PyTorch nn.Sequential state_dict in safetensors. The command only parses; the library imports and analyses.
/// </summary>
internal sealed class AnalyzeModelOptions
{
    public Option<string?> Model { get; } = new("--model")
    {
        Description = "Your own network: an ONNX file (torch.onnx.export), or a safetensors nn.Sequential state_dict with --arch FAMILY",
    };
    public Option<string?> Init { get; } = new("--init")
    {
        Description = "With --model net.onnx: θ⁰, the same network exported at initialisation",
    };
    public Option<string?> InitSafeTensors { get; } = new("--init-safetensors")
    {
        Description = "With --model: θ⁰ as a safetensors state_dict",
    };
    public Option<string> Mode { get; } = new("--mode")
    {
        Description = "With --model: batch norm with batch statistics (train, as in training) or running statistics (eval)",
        DefaultValueFactory = _ => "train",
    };

    /// <summary>The diagnostics settings the zoo path uses too (full matrix, seed, τ).</summary>
    public static DiagnosticsOptions Diagnostics(bool matrix, ulong seed, double tau, CancellationToken cancel)
    {
        if (!(tau > 0 && tau < 1)) throw new ArgumentException($"--tau must lie in (0, 1) (got {tau}).");
        return new DiagnosticsOptions
        {
            Matrix = matrix,
            Seed = seed,
            ResidualTrickOptions = new ResidualTrickOptions { Tau = tau, Cancellation = cancel },
            Jacobian = new JacobianOptions { Cancellation = cancel },
        };
    }

    /// <summary>Prints the report and writes its JSON (atomically) when asked.</summary>
    public static int Write(CliContext context, DiagnosticsReport report, string? json)
    {
        context.Console.Profile.Out.Writer.WriteLine(report.ToText());
        if (json is not null)
        {
            AtomicFile.WriteAllText(json, report.ToJson());
            context.Console.MarkupLineInterpolated($"wrote [blue]{json}[/]");
        }
        return ExitCodes.Success;
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Init, InitSafeTensors, Mode }) command.Options.Add(option);
    }

    /// <summary>The report of <c>--model</c>, or null when the option is absent (the zoo/checkpoint path runs).</summary>
    public DiagnosticsReport? Run(ParseResult parse, string? arch, string? inputs, string? labels, int? noise,
        ulong seed, DiagnosticsOptions options)
    {
        // Options that only --model reads, and those it would ignore, are refused up front (Validation/OptionRules).
        if (parse.GetValue(Model) is not string model) return null;
        var mode = parse.GetValue(Mode) switch
        {
            "train" => BatchNormMode.Train,
            "eval" => BatchNormMode.Eval,
            var other => throw new ArgumentException($"--mode must be train or eval (got '{other}')."),
        };
        var request = new ModelAnalysisRequest
        {
            ModelPath = model, InitOnnx = parse.GetValue(Init), InitSafeTensors = parse.GetValue(InitSafeTensors),
            Inputs = inputs, Labels = labels, Noise = noise, Mode = mode, Seed = seed,
        };
        if (arch is not null) return StateDictAnalysis.Run(request, arch, options);
        if (!model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && model.EndsWith(".safetensors",
            StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("A safetensors state_dict needs --arch FAMILY "
                + "(e.g. --arch batch-relu); for any other network export ONNX.");
        return ModelAnalysis.Run(request, options).Report;
    }
}
