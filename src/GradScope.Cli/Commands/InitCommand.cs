using Spectre.Console;
using System.CommandLine;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Cli.Commands;

/// <summary><c>gradscope init</c>: write an untrained network (θ = θ⁰) as a checkpoint.</summary>
internal static class InitCommand
{
    public static Command Create(CliContext context)
    {
        var architecture = new ArchitectureOptions();
        var seed = new Option<ulong>("--seed")
        {
            Description = "Initialisation seed", DefaultValueFactory = _ => TrainingConfig.DefaultSeed,
        };
        var shape = new DataShapeOptions("Input features", "Output classes");
        var output = new Option<string>("--out") { Description = "Checkpoint file to write (.safetensors)", Required = true };

        var command = new Command("init", "Write an untrained zoo network to a safetensors checkpoint.");
        architecture.AddTo(command);
        command.Options.Add(seed);
        command.Options.Add(shape.InputDim);
        command.Options.Add(shape.Classes);
        command.Options.Add(output);
        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(_ =>
        {
            var spec = architecture.Read(parse)(shape.Read(parse));
            Limits.NetworkFootprint.Require(spec, parameterCopies: 3, batch: 1);
            var network = Network<float>.Build(spec);
            var theta = Initializer.Initialize(network, parse.GetValue(seed));
            string path = parse.GetValue(output)!;
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            Checkpoint.Save(path, spec, theta, theta, state: new TrainingState { Seed = parse.GetValue(seed) });
            context.Console.WriteLine(network.Describe().TrimEnd());
            context.Console.WriteLine($"wrote {path}");
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }
}
