using System.CommandLine;
using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Diagnostics.Diagnosis;
using GradScope.IO;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;
using Spectre.Console;

namespace GradScope.Cli.Commands;

/// <summary>
/// <c>gradscope analyze</c>: the paper's diagnostics (GSC, collapse, dilution, effective depth) of a checkpoint
/// or of a freshly initialised zoo network, on a batch from .npy files, a dataset or Gaussian noise.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var checkpointPath = new Option<string?>("--checkpoint") { Description = "Checkpoint to analyse (.safetensors)" };
        var architecture = new ArchitectureOptions();
        var seed = new Option<ulong>("--seed")
        {
            Description = "Initialisation seed (with --arch) and seed of noise and probes",
            DefaultValueFactory = _ => TrainingConfig.DefaultSeed,
        };
        var shape = new DataShapeOptions("With --arch and --noise: input features", "With --arch: output classes");
        var (inputDim, classes) = (shape.InputDim, shape.Classes);
        var inputs = new Option<string?>("--inputs") { Description = "Batch as a B × d .npy array (float32 or float64)" };
        var labels = new Option<string?>("--labels")
        {
            Description = "Labels as a .npy vector (int64 or int32); default: seeded random labels",
        };
        var data = new DataOptions();
        var noise = new Option<int?>("--noise") { Description = "Analyse B Gaussian-noise inputs (the paper's probe)" };
        var batch = new Option<int>("--batch")
        {
            Description = "With --data: number of training examples analysed",
            DefaultValueFactory = _ => TrainingConfig.DefaultDiagnosticsBatch,
        };
        var fullMatrix = new Option<bool>("--full-matrix") { Description = "Also compute the full GSC(k, l) matrix" };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON (docs/diagnostics-schema.md)" };
        var tau = new Option<double>("--tau")
        {
            Description = "Effective-depth threshold τ",
            DefaultValueFactory = _ => ResidualTrickOptions.DefaultTau,
        };
        var output = new DiagnosisOutputOptions();
        var positional = new Argument<string[]>("CHECKPOINTS")
        {
            Description = "One checkpoint to analyse (like --checkpoint), or two to compare side by side",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var command = new Command("analyze", "Measure exploding gradients, collapsing domains, dilution and effective depth.");
        command.Arguments.Add(positional);
        var ownModel = new AnalyzeModelOptions();
        ownModel.AddTo(command);
        command.Options.Add(checkpointPath);
        output.AddTo(command);
        architecture.AddTo(command);
        data.AddTo(command);
        foreach (var option in new Option[] { seed, inputDim, classes, inputs, labels, noise, batch, fullMatrix, json, tau })
            command.Options.Add(option);

        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(token =>
        {
            var ownOptions = AnalyzeModelOptions.Diagnostics(parse.GetValue(fullMatrix), parse.GetValue(seed), parse.GetValue(tau), token);
            if (ownModel.Run(parse, parse.GetValue(architecture.Arch), parse.GetValue(inputs),
                    parse.GetValue(labels), parse.GetValue(noise), parse.GetValue(seed), ownOptions) is { } ownReport)
                return AnalyzeModelOptions.Write(context, ownReport, parse.GetValue(json));
            string? checkpointFile = parse.GetValue(checkpointPath);
            string[] checkpointArgs = parse.GetValue(positional) ?? [];
            if (checkpointArgs.Length > 0) checkpointFile = checkpointArgs[0];
            bool hasArch = parse.GetValue(architecture.Arch) is not null;
            if ((checkpointFile is null) == !hasArch)
                throw new ArgumentException("Give exactly one of --checkpoint FILE or --arch NAME.");
            bool fromData = parse.GetValue(data.Data) is not null || parse.GetResult(data.Dataset) is { Implicit: false };
            int sources = (parse.GetValue(inputs) is not null ? 1 : 0) + (fromData ? 1 : 0) + (parse.GetValue(noise) is not null ? 1 : 0);
            if (sources != 1)
                throw new ArgumentException("Give exactly one input source: --inputs X.npy, --data DIR (or --dataset NAME) or --noise B.");
            ulong seedValue = parse.GetValue(seed);
            double tauValue = parse.GetValue(tau);
            if (!(tauValue > 0 && tauValue < 1)) throw new ArgumentException($"--tau must lie in (0, 1) (got {tauValue}).");

            Checkpoint? checkpoint = checkpointFile is null ? null : Checkpoint.Load(checkpointFile);
            var (x, y) = ReadBatch(parse, new BatchOptions(noise, inputDim, classes, inputs, labels, data, batch), checkpoint, seedValue);
            ArchitectureSpec spec = checkpoint?.Architecture ?? architecture.Read(parse)(new DataShape(x.Cols, parse.GetValue(classes)));
            if (x.Cols != spec.InputDim)
                throw new DataFormatException(
                    $"the analysed batch has {x.Cols} input features, the network in {checkpointFile} expects {spec.InputDim}.");
            // Data that disagrees with itself or with the network is a data error (3), whichever option supplied it.
            if (x.Rows < 2) throw new DataFormatException($"analysing needs a batch of at least 2 examples; the data has {x.Rows}.");
            Limits.NetworkFootprint.Require(spec, parameterCopies: 4, batch: x.Rows);
            foreach (int label in y)
                if ((uint)label >= (uint)spec.Classes)
                    throw new DataFormatException($"label {label} is outside [0, {spec.Classes}), the network's classes.");

            ParameterSet<float> theta, theta0;
            if (checkpoint is not null)
            {
                theta = checkpoint.Parameters;
                theta0 = checkpoint.InitialParameters;
            }
            else
            {
                theta = Initializer.Initialize(Network<float>.Build(spec), seedValue);
                theta0 = theta;
            }

            var options = new DiagnosticsOptions
            {
                Matrix = parse.GetValue(fullMatrix),
                Seed = seedValue,
                Epoch = checkpoint?.State?.EpochsCompleted,
                ResidualTrickOptions = new ResidualTrickOptions { Tau = tauValue, Cancellation = token },
                Jacobian = new JacobianOptions { Cancellation = token },
            };
            string networkLabel = checkpointFile is null ? spec.Name : CheckpointLabel(checkpointFile, checkpointArgs);
            bool whatIf = parse.GetValue(output.WhatIf);
            var trainedFrom = ReferenceEquals(theta, theta0) ? null : theta0;
            var result = DiagnosisRunner.Run(networkLabel, spec, theta, trainedFrom, x, y, options, whatIf);
            DiagnosisResult? second = checkpointArgs.Length == 2 ? AnalyzeSecond(checkpointArgs, spec, x, y, options) : null;
            output.Write(context, result, second, parse);
            if (parse.GetValue(json) is string path)
            {
                AtomicFile.WriteAllText(path, result.Report.ToJson());
                context.Console.MarkupLineInterpolated($"wrote [blue]{path}[/]");
            }
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }

    /// <summary>
    /// A checkpoint's file name, or the path as given when the compared files share their name (two runs' checkpoint.safetensors).
    /// </summary>
    private static string CheckpointLabel(string file, string[] compared) =>
        compared.Length == 2 && Path.GetFileName(compared[0]) == Path.GetFileName(compared[1]) ? file : Path.GetFileName(file);

    /// <summary>The second network of a comparison, diagnosed on the first one's batch.</summary>
    private static DiagnosisResult AnalyzeSecond(string[] files, ArchitectureSpec first, Matrix<float> x, int[] y,
        DiagnosticsOptions options)
    {
        string file = files[1];
        var other = Checkpoint.Load(file);
        var spec = other.Architecture;
        if (spec.InputDim != first.InputDim || spec.Classes != first.Classes)
            // Two files that do not fit together are a data error (3), like a batch that does not fit the network.
            throw DataFormatException.InFile(file, $"maps {spec.InputDim} inputs to {spec.Classes} classes, the first network " +
                $"{first.InputDim} to {first.Classes}: they cannot be compared on one batch");
        return DiagnosisRunner.Run(CheckpointLabel(file, files), spec, other.Parameters, other.InitialParameters, x, y,
            options with { Epoch = other.State?.EpochsCompleted }, whatIf: false);
    }

    /// <summary>The options that choose the analysed batch.</summary>
    private sealed record BatchOptions(Option<int?> Noise, Option<int> InputDim, Option<int> Classes, Option<string?> Inputs,
        Option<string?> Labels, DataOptions Data, Option<int> Batch);

    private static (Matrix<float> Inputs, int[] Labels) ReadBatch(ParseResult parse, BatchOptions o, Checkpoint? checkpoint, ulong seed)
    {
        int classes = checkpoint?.Architecture.Classes ?? parse.GetValue(o.Classes);
        if (classes < 2) throw new ArgumentException($"--classes must be at least 2 (got {classes}).");
        if (parse.GetValue(o.Noise) is int count)
        {
            if (count < 2) throw new ArgumentException($"--noise needs at least 2 examples (got {count}).");
            int dim = checkpoint?.Architecture.InputDim ?? parse.GetValue(o.InputDim);
            if (dim < 1) throw new ArgumentException($"--input-dim must be positive (got {dim}).");
            var noise = GaussianNoise.Create(count, dim, seed, classes);
            return (noise.Inputs, noise.Labels);
        }
        if (parse.GetValue(o.Inputs) is string inputsPath)
        {
            var x = Npy.ReadMatrix(inputsPath);
            int[] y;
            if (parse.GetValue(o.Labels) is string labelsPath)
            {
                y = Npy.ReadInt32Array(labelsPath);
                if (y.Length != x.Rows) throw DataFormatException.InFile(labelsPath, $"{y.Length} labels for {x.Rows} inputs.");
            }
            else
            {
                var rng = Rng.ForStream(seed, 0x1abe1);
                y = Enumerable.Range(0, x.Rows).Select(_ => rng.NextInt(classes)).ToArray();
            }
            return (x, y);
        }
        string dataset = parse.GetValue(o.Data.Dataset)!;
        var raw = DatasetLocator.Locate(dataset, parse.GetValue(o.Data.Data)).Load();
        var standardizer = checkpoint?.Standardizer ?? Standardizer.Fit(raw.Train);
        int batch = parse.GetValue(o.Batch);
        if (batch < 2) throw new ArgumentException($"--batch must be at least 2 (got {batch}).");
        var sample = standardizer.Transform(raw.Train.Take(Math.Min(batch, raw.Train.Count)));
        return (sample.Inputs, sample.Labels);
    }
}
