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
        var inputDim = new Option<int>("--input-dim")
        {
            Description = "Input features",
            DefaultValueFactory = _ => DataShape.FashionMnist.InputDim,
        };
        var classes = new Option<int>("--classes")
        {
            Description = "Output classes",
            DefaultValueFactory = _ => DataShape.FashionMnist.Classes,
        };
        var output = new Option<string>("--out") { Description = "Checkpoint file to write (.safetensors)", Required = true };

        var command = new Command("init", "Write an untrained zoo network to a safetensors checkpoint.");
        architecture.AddTo(command);
        command.Options.Add(seed);
        command.Options.Add(inputDim);
        command.Options.Add(classes);
        command.Options.Add(output);
        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(_ =>
        {
            var spec = architecture.Read(parse)(new DataShape(parse.GetValue(inputDim), parse.GetValue(classes)));
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
