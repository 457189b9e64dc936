using System.CommandLine;
using GradScope.Data;
using GradScope.Networks;
using GradScope.Training;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary><c>gradscope train</c>: train one network and write a run directory; <c>--resume</c> continues one.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var architecture = new ArchitectureOptions();
        var data = new DataOptions();
        var optimizer = new Option<string>("--optimizer")
        {
            Description = "sgd, momentum, adam or rmsprop",
            DefaultValueFactory = _ => Optimizer<float>.KindName(TrainingConfig.DefaultOptimizer),
        };
        var lr = new Option<double>("--lr")
        {
            Description = "Learning rate",
            DefaultValueFactory = _ => TrainingConfig.DefaultLearningRate,
        };
        var batch = new Option<int>("--batch")
        {
            Description = "Mini-batch size",
            DefaultValueFactory = _ => TrainingConfig.DefaultBatchSize,
        };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Epochs to train",
            DefaultValueFactory = _ => TrainingConfig.DefaultEpochs,
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of initialisation, subset and batch order",
            DefaultValueFactory = _ => TrainingConfig.DefaultSeed,
        };
        var trainSubset = new Option<int?>("--train-subset") { Description = "Train on a seeded random subset of N examples" };
        var testSubset = new Option<int?>("--test-subset") { Description = "Evaluate on the first N test examples" };
        var diagnoseEvery = new Option<int>("--diagnose-every") { Description = "Record diagnostics every N epochs (0: never)" };
        var output = new Option<string?>("--out") { Description = "Run directory (default runs/<run name>, docs/run-format.md)" };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the run in this directory from its last checkpoint (with --epochs: a new total)",
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run already in the --out directory" };

        var command = new Command("train", "Train a zoo network on a dataset and write a run directory.");
        architecture.AddTo(command);
        data.AddTo(command);
        foreach (var option in new Option[]
                 { optimizer, lr, batch, epochs, seed, trainSubset, testSubset, diagnoseEvery, output, resume, overwrite })
            command.Options.Add(option);

        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(token =>
        {
            // Every option is read and checked before the data is loaded, so a typo fails fast; the network is then
            // built once, for the shape of the loaded data.
            string? resumeDirectory = parse.GetValue(resume);
            TrainingConfig? stored = null;
            Func<DataShape, ArchitectureSpec>? network = null;
            if (resumeDirectory is not null)
            {
                stored = new RunDirectory(resumeDirectory).ReadConfig();
                // An explicit --epochs extends (or shortens) the plan of the resumed run; everything else is the stored config.
                if (parse.GetResult(epochs) is { Implicit: false }) stored = (stored with { Epochs = parse.GetValue(epochs) }).Validate();
            }
            else
            {
                network = architecture.Read(parse);
                double learningRate = parse.GetValue(lr);
                if (!(learningRate > 0) || !double.IsFinite(learningRate))
                    throw new ArgumentException($"--lr must be a positive number (got {learningRate}).");
            }
            var kind = Optimizer<float>.ParseKind(parse.GetValue(optimizer)!);

            string dataset = stored?.Dataset ?? parse.GetValue(data.Dataset)!;
            string? dataDirectory = stored is null ? parse.GetValue(data.Data) : stored.DataDirectory;
            var (splits, standardizer) = DataLoading.Load(dataset, dataDirectory, context);
            var config = stored ?? new TrainingConfig
            {
                Architecture = network!(splits.Train.Shape),
                Optimizer = kind,
                LearningRate = parse.GetValue(lr),
                BatchSize = parse.GetValue(batch),
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                Dataset = dataset,
                DataDirectory = dataDirectory,
                TrainSubset = parse.GetValue(trainSubset),
                TestSubset = parse.GetValue(testSubset),
                DiagnoseEvery = parse.GetValue(diagnoseEvery),
            }.Validate();
            if (config.Architecture.Shape != splits.Train.Shape)
                throw new DataFormatException(
                    $"{resumeDirectory} holds a network for {config.Architecture.Shape}; the data has {splits.Train.Shape}.");
            string runDirectory = resumeDirectory ?? parse.GetValue(output) ?? Path.Combine("runs", RunName.Of(config));
            if (resumeDirectory is null) RunDirectoryClaim.Claim(runDirectory, parse.GetValue(overwrite));
            // θ, θ⁰, gradients, two optimizer slots and the evaluation copy, plus a tape per batch.
            Limits.NetworkFootprint.Require(config.Architecture, parameterCopies: 6, batch: Math.Max(config.BatchSize, 1000));
            bool resuming = resumeDirectory is not null;
            int trainCount = Math.Min(config.TrainSubset ?? int.MaxValue, splits.Train.Count);
            string settings = $"{Optimizer<float>.KindName(config.Optimizer)} lr {config.LearningRate:G4}, batch {config.BatchSize}, " +
                $"{config.Epochs} epochs, seed {config.Seed}";
            context.Console.MarkupLineInterpolated($"[bold]{config.Architecture}[/], {settings}");
            context.Console.MarkupLineInterpolated(
                $"training on {trainCount:N0} examples of {config.Dataset}, run directory [blue]{runDirectory}[/]");

            TrainingResult Train(ITrainingObserver observer)
            {
                var trainer = new Trainer(config, splits, standardizer, runDirectory)
                {
                    Observer = observer,
                    Diagnostics = TrainingDiagnostics.Create(config),
                };
                return resuming ? trainer.Resume(token) : trainer.Run(token);
            }

            var result = context.Interactive ? ProgressDisplay.Run(context, config.Epochs, Train) : Train(new PlainProgress(context));

            EpochSummary.Print(context, result.History);
            if (result.State.Status == RunStatus.Diverged)
                context.Console.MarkupLineInterpolated(
                    $"[yellow]run diverged:[/] {result.State.Message}; metrics and the last good checkpoint are kept in {runDirectory}");
            else if (result.State.EpochsCompleted == 0)
                context.Console.MarkupLineInterpolated(
                    $"[green]done[/]: no epochs trained, so no checkpoint was written; config.json is in {runDirectory}");
            else
                context.Console.MarkupLineInterpolated(
                    $"[green]done[/]: {result.State.EpochsCompleted} epochs, checkpoint {new RunDirectory(runDirectory).CheckpointPath}");
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }
}
