using System.CommandLine;
using Spectre.Console;
using GradScope.Networks;
using GradScope.Onnx;
using GradScope.Training;

namespace GradScope.Cli.Commands;

/// <summary><c>gradscope export --onnx</c>: a checkpoint's network as an ONNX model (θ, or θ⁰ with --initial).</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint to export (.safetensors)", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write (opset 17, float32)", Required = true };
        var initial = new Option<bool>("--initial") { Description = "Export θ⁰ (the network at initialisation), for analyze --init" };
        var command = new Command("export", "Write a checkpoint's network as an ONNX model.");
        command.Options.Add(checkpoint);
        command.Options.Add(onnx);
        command.Options.Add(initial);
        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(_ =>
        {
            var loaded = Checkpoint.Load(parse.GetValue(checkpoint)!);
            var network = Network<float>.Build(loaded.Architecture);
            string path = parse.GetValue(onnx)!;
            OnnxExporter.Export(path, network, parse.GetValue(initial) ? loaded.InitialParameters : loaded.Parameters);
            context.Console.WriteLine($"wrote {path}");
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }
}
