using System.CommandLine;
using GradScope.Data;
using GradScope.Diagnostics;
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
        var seed = new Option<ulong>("--seed") { Description = "Initialisation seed (with --arch) and seed of noise and probes", DefaultValueFactory = _ => 1UL };
        var inputDim = new Option<int>("--input-dim")
        {
            Description = "With --arch and --noise: input features",
            DefaultValueFactory = _ => DataShape.FashionMnist.InputDim,
        };
        var classes = new Option<int>("--classes")
        {
            Description = "With --arch: output classes",
            DefaultValueFactory = _ => DataShape.FashionMnist.Classes,
        };
        var inputs = new Option<string?>("--inputs") { Description = "Batch as a B × d .npy array (float32 or float64)" };
        var labels = new Option<string?>("--labels") { Description = "Labels as a .npy vector (int64 or int32); default: seeded random labels" };
        var data = new DataOptions();
        var noise = new Option<int?>("--noise") { Description = "Analyse B Gaussian-noise inputs (the paper's probe)" };
        var batch = new Option<int>("--batch") { Description = "With --data: number of training examples analysed", DefaultValueFactory = _ => 256 };
        var fullMatrix = new Option<bool>("--full-matrix") { Description = "Also compute the full GSC(k, l) matrix" };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON (docs/diagnostics-schema.md)" };
        var tau = new Option<double>("--tau") { Description = "Effective-depth threshold τ", DefaultValueFactory = _ => 0.01 };

        var command = new Command("analyze", "Measure exploding gradients, collapsing domains, dilution and effective depth.");
        command.Options.Add(checkpointPath);
        architecture.AddTo(command);
        data.AddTo(command);
        foreach (var option in new Option[] { seed, inputDim, classes, inputs, labels, noise, batch, fullMatrix, json, tau })
            command.Options.Add(option);

        command.SetAction((parse, cancel) => Task.FromResult(context.Guard(_ =>
        {
            string? checkpointFile = parse.GetValue(checkpointPath);
            bool hasArch = parse.GetValue(architecture.Arch) is not null;
            if ((checkpointFile is null) == !hasArch)
                throw new ArgumentException("Give exactly one of --checkpoint FILE or --arch NAME.");
            int sources = (parse.GetValue(inputs) is not null ? 1 : 0) + (parse.GetValue(data.Data) is not null || parse.GetResult(data.Dataset) is { Implicit: false } ? 1 : 0) + (parse.GetValue(noise) is not null ? 1 : 0);
            if (sources != 1) throw new ArgumentException("Give exactly one input source: --inputs X.npy, --data DIR (or --dataset NAME) or --noise B.");
            ulong seedValue = parse.GetValue(seed);
            double tauValue = parse.GetValue(tau);
            if (!(tauValue > 0 && tauValue < 1)) throw new ArgumentException($"--tau must lie in (0, 1) (got {tauValue}).");

            Checkpoint? checkpoint = checkpointFile is null ? null : Checkpoint.Load(checkpointFile);
            var (x, y) = ReadBatch(parse, new BatchOptions(noise, inputDim, classes, inputs, labels, data, batch), checkpoint, seedValue);
            ArchitectureSpec spec = checkpoint?.Architecture ?? architecture.Read(parse)(new DataShape(x.Cols, parse.GetValue(classes)));
            if (x.Cols != spec.InputDim)
                throw new ArgumentException($"The network expects {spec.InputDim} input features, the batch has {x.Cols}.");
            if (x.Rows < 2) throw new ArgumentException($"Analysing needs a batch of at least 2 examples (got {x.Rows}).");
            foreach (int label in y)
                if ((uint)label >= (uint)spec.Classes) throw new ArgumentException($"Label {label} is outside [0, {spec.Classes}).");

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
                ResidualTrickOptions = new ResidualTrickOptions { Tau = tauValue },
            };
            var report = DiagnosticsRunner.Analyze(spec, theta, ReferenceEquals(theta, theta0) ? null : theta0, x, y, options);
            context.Console.Profile.Out.Writer.WriteLine(report.ToText());
            if (parse.GetValue(json) is string path)
            {
                AtomicFile.WriteAllText(path, report.ToJson());
                context.Console.MarkupLineInterpolated($"wrote [blue]{path}[/]");
            }
            return ExitCodes.Success;
        }, cancel)));
        return command;
    }

    /// <summary>The options that choose the analysed batch.</summary>
    private sealed record BatchOptions(Option<int?> Noise, Option<int> InputDim, Option<int> Classes, Option<string?> Inputs,
        Option<string?> Labels, DataOptions Data, Option<int> Batch);

    private static (Matrix<float> Inputs, int[] Labels) ReadBatch(ParseResult parse, BatchOptions o, Checkpoint? checkpoint, ulong seed)
    {
        int classes = checkpoint?.Architecture.Classes ?? parse.GetValue(o.Classes);
        if (parse.GetValue(o.Noise) is int count)
        {
            if (count < 2) throw new ArgumentException($"--noise needs at least 2 examples (got {count}).");
            int dim = checkpoint?.Architecture.InputDim ?? parse.GetValue(o.InputDim);
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
                if (y.Length != x.Rows) throw new ArgumentException($"{labelsPath} holds {y.Length} labels for {x.Rows} inputs.");
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
