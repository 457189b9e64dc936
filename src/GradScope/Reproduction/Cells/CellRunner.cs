using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Runs one cell into its directory: skips it when finished, resumes an interrupted training run from its checkpoint.</summary>
public sealed class CellRunner(CellStore store, SweepData data, IStudyDiagnostics diagnostics)
{
    /// <summary>Runs the cell unless it is finished; <paramref name="progress"/> receives the finished fraction.</summary>
    public void Run(CellSpec cell, Action<double>? progress, CancellationToken cancel)
    {
        if (store.IsFinished(cell)) return;
        store.WriteCellSpec(cell);
        switch (cell)
        {
            case InitCellSpec init: RunInit(init, cancel); break;
            case TrainCellSpec train: RunTraining(train, progress, cancel); break;
            default: throw new ArgumentException($"Unknown cell kind {cell.GetType().Name}.");
        }
        store.ClearFailure(cell.Id);
        progress?.Invoke(1);
    }

    private ArchitectureSpec Fit(ArchitectureSpec spec)
    {
        if (spec.InputDim != data.Features || spec.Classes != data.Classes)
            throw new ArgumentException($"Cell network expects {spec.InputDim} inputs and {spec.Classes} classes; " +
                                        $"the data has {data.Features} and {data.Classes}.");
        return spec;
    }

    private void RunInit(InitCellSpec cell, CancellationToken cancel)
    {
        var network = Network<float>.Build(Fit(cell.Network));
        var theta = Initializer.Initialize(network, cell.Seed);
        Dataset sample = cell.Input == InitCellSpec.Noise
            ? GaussianNoise.Create(cell.Examples, data.Features, cell.Seed, data.Classes)
            : data.Splits.Train.Take(cell.Examples);
        var measurements = Measure(network, theta, null, sample, cell.Seed, epoch: null, tau: null, cancel);
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
        var run = new RunDirectory(store.CellDirectory(cell.Id));
        // Probes are seeded per epoch so that resumed and sharded sweeps measure exactly what an uninterrupted one does.
        DiagnosticsReport Diagnose(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample,
            int epoch) =>
            Measure(network, theta, theta0, sample, config.Seed * 1000 + (ulong)epoch, epoch, cell.Tau, cancel);
        var trainer = new Trainer(config, data.Splits, data.Standardizer, run.Path)
        {
            Observer = new EpochProgress(config.Epochs, progress),
            Diagnostics = Diagnose,
        };

        var state = run.ReadState();
        List<EpochMetrics> history;
        RunState finalState;
        TrainingResult? trained = null;
        if (state?.Status == RunStatus.Diverged)
        {
            history = run.ReadMetrics();
            finalState = state;
        }
        else
        {
            trained = state is null ? trainer.Run(cancel) : trainer.Resume(cancel);
            history = [.. trained.History];
            finalState = trained.State;
        }

        var initial = history.FirstOrDefault(m => m.Epoch == 0)?.Diagnostics;
        DiagnosticsReport? final = null;
        TaylorResult? taylorFromOutput = null;
        bool completed = finalState.Status == RunStatus.Completed;
        if (trained is not null && completed)
        {
            var last = history.LastOrDefault(m => m.Status == EpochStatus.Ok && m.Epoch > 0);
            final = last is not null && last.Epoch == config.Epochs && last.Diagnostics is not null
                ? last.Diagnostics
                : Diagnose(trained.Network, trained.Parameters, trained.InitialParameters,
                    trainer.TrainingSet.Take(config.DiagnosticsBatch), config.Epochs);
            cancel.ThrowIfCancellationRequested();
            var taylorSet = trainer.TrainingSet.Take(cell.TaylorExamples);
            if (cell.TaylorSteps.Count > 0 && taylorSet.Count > 0)
            {
                TaylorResult Taylor(TaylorSide side) => diagnostics.Taylor(trained.Network, trained.Parameters,
                    trained.InitialParameters, taylorSet, cell.TaylorSteps, side, cancel);
                final = final with { Taylor = Taylor(TaylorSide.NearestInput) };
                taylorFromOutput = Taylor(TaylorSide.NearestOutput);
            }
        }

        var lastOk = history.LastOrDefault(m => m.Status == EpochStatus.Ok && m.Epoch > 0);
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
            TrainError = completed ? lastOk?.TrainError : null,
            TrainErrorRunning = completed ? lastOk?.TrainErrorRunning : null,
            TestError = completed ? lastOk?.TestError : null,
            TrainLoss = completed ? lastOk?.TrainLoss : null,
            History = [.. history.Select(ToRecord)],
            Initial = initial,
            Final = final,
            TaylorFromOutput = taylorFromOutput,
        });
    }

    /// <summary>
    /// One measurement of a cell: the residual trick only with θ⁰ (init cells pass none), probes seeded by
    /// <paramref name="seed"/>, and no timings (a file that depends on timing would differ between resumed, sharded and
    /// uninterrupted sweeps).
    /// </summary>
    private DiagnosticsReport Measure(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample,
        ulong seed, int? epoch, double? tau, CancellationToken cancel)
    {
        var options = new DiagnosticsOptions
        {
            Jacobian = new JacobianOptions { ProbeSeed = seed, Cancellation = cancel },
            ResidualTrick = theta0 is not null,
            ResidualTrickOptions = new ResidualTrickOptions { Tau = tau ?? new ResidualTrickOptions().Tau, Cancellation = cancel },
            Seed = seed,
            Epoch = epoch,
        };
        return diagnostics.Analyze(network, theta, theta0, sample, options) with { TimingsMs = null };
    }

    private static EpochRecord ToRecord(EpochMetrics m)
    {
        var d = m.Diagnostics;
        bool ok = m.Status == EpochStatus.Ok;
        return new EpochRecord
        {
            Epoch = m.Epoch,
            TrainLoss = m.Epoch > 0 ? m.TrainLoss : null,
            TrainError = ok ? m.TrainError : null,
            TrainErrorRunning = m.Epoch > 0 ? m.TrainErrorRunning : null,
            TestError = ok ? m.TestError : null,
            GscRate = d?.GscRate,
            EffectiveDepth = d?.EffectiveDepth,
            TruncationEffectiveDepth = d?.TruncationEffectiveDepth,
        };
    }

    private sealed class EpochProgress(int epochs, Action<double>? progress) : ITrainingObserver
    {
        public void OnBatch(int epoch, int batch, int batches, double examplesPerSecond, double runningLoss, double runningError)
        {
            if (batch % 8 == 0) progress?.Invoke(Math.Min(0.95, (epoch - 1 + (double)batch / batches) / Math.Max(1, epochs) * 0.95));
        }
    }
}
