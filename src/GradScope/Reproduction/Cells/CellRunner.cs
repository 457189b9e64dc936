using System.Text.Json;
using System.Text.Json.Nodes;
using GradScope.Data;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Runs one cell into its directory: skips it when finished, resumes an interrupted training run from its checkpoint.</summary>
public sealed class CellRunner(CellStore store, SweepData data, IStudyDiagnostics diagnostics)
{
    /// <summary>Runs the cell unless it is finished; <paramref name="progress"/> receives the finished fraction.</summary>
    public void Run(CellSpec cell, Action<double>? progress, CancellationToken cancel)
    {
        if (store.IsFinished(cell.Id)) return;
        store.WriteCellSpec(cell);
        switch (cell)
        {
            case InitCellSpec init: RunInit(init); break;
            case TrainCellSpec train: RunTraining(train, progress, cancel); break;
            default: throw new ArgumentException($"Unknown cell kind {cell.GetType().Name}.");
        }
        store.ClearFailure(cell.Id);
        progress?.Invoke(1);
    }

    private ArchitectureSpec Fit(ArchitectureSpec spec)
    {
        if (spec.InputDim != data.Features || spec.Classes != data.Classes)
            throw new ArgumentException($"Cell network expects {spec.InputDim} inputs and {spec.Classes} classes; the data has {data.Features} and {data.Classes}.");
        return spec;
    }

    private void RunInit(InitCellSpec cell)
    {
        var network = Network<float>.Build(Fit(cell.Network));
        var theta = Initializer.Initialize(network, cell.Seed);
        Dataset sample = cell.Input == InitCellSpec.Noise
            ? GaussianNoise.Create(cell.Examples, data.Features, cell.Seed, data.Classes)
            : data.Splits.Train.Take(cell.Examples);
        var measurements = diagnostics.Measure(network, theta, theta, sample, new MeasureRequest { EffectiveDepth = false, Seed = cell.Seed });
        store.WriteResult(cell.Id, new InitCellResult
        {
            Id = cell.Id,
            Architecture = cell.Network,
            Width = cell.Network.Width,
            LinearLayers = cell.Network.LinearLayers,
            Input = cell.Input,
            Seed = cell.Seed,
            Examples = sample.Count,
            Measurements = measurements,
        });
    }

    private void RunTraining(TrainCellSpec cell, Action<double>? progress, CancellationToken cancel)
    {
        var config = cell.Training;
        Fit(config.Architecture);
        string directory = store.CellDirectory(cell.Id);
        var request = new MeasureRequest { Tau = cell.Tau };
        var trainer = new Trainer(config, data.Splits, data.Standardizer, directory)
        {
            Observer = new EpochProgress(config.Epochs, progress),
            Diagnostics = (network, theta, theta0, sample, epoch) =>
                JsonSerializer.SerializeToNode(diagnostics.Measure(network, theta, theta0, sample, request with { Seed = config.Seed * 1000 + (ulong)epoch }), JsonDefaults.Options),
        };

        var state = Trainer.ReadState(directory);
        List<EpochMetrics> history;
        RunState finalState;
        TrainingResult? trained = null;
        if (state?.Status == "diverged")
        {
            history = Trainer.ReadMetrics(Path.Combine(directory, Trainer.MetricsFile));
            finalState = state;
        }
        else
        {
            trained = state is null ? trainer.Run(cancel) : trainer.Resume(cancel);
            history = [.. trained.History];
            finalState = trained.State;
        }

        var initial = ReadMeasurements(history.FirstOrDefault(m => m.Epoch == 0));
        Measurements? final = null;
        IReadOnlyList<TaylorPoint> taylor = [];
        if (trained is not null && finalState.Status == "completed")
        {
            var last = history.LastOrDefault(m => m.Status == "ok" && m.Epoch > 0);
            final = last is not null && last.Epoch == config.Epochs && last.Diagnostics is not null
                ? ReadMeasurements(last)
                : diagnostics.Measure(trained.Network, trained.Parameters, trained.InitialParameters,
                    trainer.TrainingSet.Take(config.DiagnosticsBatch), request with { Seed = config.Seed * 1000 + (ulong)config.Epochs });
            cancel.ThrowIfCancellationRequested();
            taylor = diagnostics.Taylor(trained.Network, trained.Parameters, trained.InitialParameters,
                trainer.TrainingSet.Take(cell.TaylorExamples), cell.TaylorSteps);
        }

        var lastOk = history.LastOrDefault(m => m.Status == "ok" && m.Epoch > 0);
        var a = config.Architecture;
        store.WriteResult(cell.Id, new TrainCellResult
        {
            Id = cell.Id,
            Status = finalState.Status,
            Message = finalState.Message,
            Architecture = a,
            Width = a.Width,
            LinearLayers = a.LinearLayers,
            Blocks = a.BlockCount,
            Parameters = a.TrainableParameters,
            ResidualWeight = a.IsResidual ? a.EffectiveResidualWeight : null,
            Optimizer = config.Optimizer,
            LearningRate = config.LearningRate,
            Seed = config.Seed,
            EpochsCompleted = finalState.EpochsCompleted,
            EpochsPlanned = config.Epochs,
            TrainError = finalState.Status == "completed" ? lastOk?.TrainError : null,
            TrainErrorRunning = finalState.Status == "completed" ? lastOk?.TrainErrorRunning : null,
            TestError = finalState.Status == "completed" ? lastOk?.TestError : null,
            TrainLoss = finalState.Status == "completed" ? lastOk?.TrainLoss : null,
            History = [.. history.Select(ToRecord)],
            Initial = initial,
            Final = final,
            Taylor = taylor,
        });
    }

    private static EpochRecord ToRecord(EpochMetrics m)
    {
        var d = ReadMeasurements(m);
        bool ok = m.Status == "ok";
        return new EpochRecord
        {
            Epoch = m.Epoch,
            TrainLoss = m.Epoch > 0 ? m.TrainLoss : null,
            TrainError = ok ? m.TrainError : null,
            TrainErrorRunning = m.Epoch > 0 ? m.TrainErrorRunning : null,
            TestError = ok ? m.TestError : null,
            GscRate = d?.GscRate,
            EffectiveDepth = d?.EffectiveDepth,
        };
    }

    private static Measurements? ReadMeasurements(EpochMetrics? metrics) =>
        metrics?.Diagnostics is JsonNode node ? node.Deserialize<Measurements>(JsonDefaults.Options) : null;

    private sealed class EpochProgress(int epochs, Action<double>? progress) : ITrainingObserver
    {
        public void OnBatch(int epoch, int batch, int batches, double examplesPerSecond, double runningLoss, double runningError)
        {
            if (batch % 8 == 0) progress?.Invoke(Math.Min(0.95, (epoch - 1 + (double)batch / batches) / Math.Max(1, epochs) * 0.95));
        }
    }
}
