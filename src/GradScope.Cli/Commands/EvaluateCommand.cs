using System.CommandLine;
using GradScope.Data;
using GradScope.Networks;
using GradScope.Training;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary><c>gradscope evaluate</c>: loss and error of a checkpoint on the train and test splits.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var checkpointPath = new Option<string>("--checkpoint") { Description = "Checkpoint file (.safetensors)", Required = true };
        var data = new DataOptions();
        var command = new Command("evaluate", "Print loss and error of a checkpoint on the training and test splits.");
        command.Options.Add(checkpointPath);
        data.AddTo(command);
        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(_ =>
        {
            var checkpoint = Checkpoint.Load(parse.GetValue(checkpointPath)!);
            string dataset = checkpoint.Config?.Dataset ?? parse.GetValue(data.Dataset)!;
            if (parse.GetResult(data.Dataset) is not null) dataset = parse.GetValue(data.Dataset)!;
            var raw = DatasetLocator.Locate(dataset, parse.GetValue(data.Data) ?? checkpoint.Config?.DataDirectory).Load();
            // The checkpoint's own standardisation, so the numbers match training; refit only for untrained networks.
            var standardizer = checkpoint.Standardizer ?? Standardizer.Fit(raw.Train);
            var splits = new DatasetSplits(standardizer.Transform(raw.Train), standardizer.Transform(raw.Test));
            if (splits.Train.Features != checkpoint.Architecture.InputDim)
                throw new DataFormatException(
                    $"the checkpoint expects {checkpoint.Architecture.InputDim} input features, {dataset} has {splits.Train.Features}.");

            var network = Network<float>.Build(checkpoint.Architecture);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("split", "examples", "loss", "error");
            foreach (var (name, split) in new[] { ("train", splits.Train), ("test", splits.Test) })
            {
                var result = Evaluation.Evaluate(network, checkpoint.Parameters, split);
                table.AddRow(name, $"{result.Count:N0}", result.Count == 0 ? "—" : $"{result.Loss:0.0000}",
                    result.Count == 0 ? "—" : $"{100 * result.Error:0.00}%");
            }
            int epochs = checkpoint.State?.EpochsCompleted ?? 0;
            context.Console.MarkupLineInterpolated($"[bold]{checkpoint.Architecture}[/], {epochs} epochs trained");
            context.Console.Write(table);
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }
}
