using System.Diagnostics;
using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Training;

/// <summary>Receives progress while a run trains (the CLI draws a progress bar from it).</summary>
public interface ITrainingObserver
{
    void OnEpochStart(int epoch, int batches) { }
    void OnBatch(int epoch, int batch, int batches, double examplesPerSecond, double runningLoss, double runningError) { }
    void OnEpochEnd(EpochMetrics metrics) { }
}

/// <summary>
/// Measures diagnostics of the current network for <c>--diagnose-every</c>; the report goes into metrics.jsonl unchanged.
/// </summary>
public delegate DiagnosticsReport? EpochDiagnostics(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0,
    Dataset sample, int epoch);

/// <summary>How a run ended.</summary>
public sealed record TrainingResult(RunState State, IReadOnlyList<EpochMetrics> History, Network<float> Network,
    ParameterSet<float> Parameters, ParameterSet<float> InitialParameters);

/// <summary>
/// Trains one network with one optimizer and writes its <see cref="RunDirectory"/> (docs/run-format.md):
/// <c>config.json</c>, <c>state.json</c>, <c>metrics.jsonl</c> and <c>checkpoint.safetensors</c>, the latter
/// after every epoch so that <see cref="Resume"/> continues exactly where an interrupted run stopped: batch
/// order depends only on (seed, epoch), so a resumed run reproduces the uninterrupted one bit for bit.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingConfig _config;
    private readonly DatasetSplits _data;
    private readonly Standardizer? _standardizer;
    private readonly RunDirectory? _run;

    /// <param name="data">Already standardised splits (training subset applied by the trainer).</param>
    public Trainer(TrainingConfig config, DatasetSplits data, Standardizer? standardizer, string? runDirectory)
    {
        _config = config.Validate();
        if (data.Train.Features != config.Architecture.InputDim)
            throw new ArgumentException(
                $"The architecture expects {config.Architecture.InputDim} inputs, dataset '{data.Train.Name}' has {data.Train.Features}.");
        _data = data;
        _standardizer = standardizer;
        _run = runDirectory is null ? null : new RunDirectory(runDirectory);
    }

    public ITrainingObserver? Observer { get; init; }
    public EpochDiagnostics? Diagnostics { get; init; }

    /// <summary>The training split after the configured subset.</summary>
    public Dataset TrainingSet =>
        _config.TrainSubset is int n && n < _data.Train.Count ? _data.Train.RandomSubset(n, _config.Seed) : _data.Train;
    public Dataset TestSet => _config.TestSubset is int n && n < _data.Test.Count ? _data.Test.Take(n) : _data.Test;

    /// <summary>Starts a fresh run (overwriting the run directory's files).</summary>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        var network = Network<float>.Build(_config.Architecture);
        var theta0 = Initializer.Initialize(network, _config.Seed);
        var theta = theta0.Clone();
        var optimizer = Optimizer<float>.Create(_config.Optimizer, network.Layout, _config.LearningRate);
        _run?.Start(_config);
        return Continue(network, theta, theta0, optimizer, [], 0, cancel);
    }

    /// <summary>Continues the run in the run directory from its last checkpoint (or starts it when there is none).</summary>
    public TrainingResult Resume(CancellationToken cancel = default)
    {
        if (_run is null) throw new InvalidOperationException("Resuming needs a run directory.");
        string checkpointPath = _run.CheckpointPath;
        if (!File.Exists(checkpointPath)) return Run(cancel);
        var checkpoint = Checkpoint.Load(checkpointPath);
        ResumeConsistency.Check(_config, checkpoint, checkpointPath);
        var network = Network<float>.Build(_config.Architecture);
        var optimizer = Optimizer<float>.Create(_config.Optimizer, network.Layout, _config.LearningRate);
        checkpoint.RestoreOptimizer(optimizer);
        int done = checkpoint.State?.EpochsCompleted ?? 0;
        var history = _run.ReadMetrics().Where(m => m.Epoch <= done).ToList();
        if (done > 0 && !history.Any(m => m.Epoch == done))
            history.Add(RecomputeEpochLine(network, checkpoint, done));
        // Drop lines of an epoch that finished after the checkpoint was taken (a kill between the two writes).
        _run.WriteMetrics(history);
        return Continue(network, checkpoint.Parameters, checkpoint.InitialParameters, optimizer, history, done, cancel);
    }

    private TrainingResult Continue(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0,
        Optimizer<float> optimizer, List<EpochMetrics> history, int epochsDone, CancellationToken cancel)
    {
        var train = TrainingSet;
        var test = TestSet;
        if (_config.Architecture.Normalization == NormKind.Batch && train.Count > _config.BatchSize && train.Count % _config.BatchSize == 1)
            throw new ArgumentException($"batch norm would train on a last mini-batch of 1 example ({train.Count} examples, --batch " +
                $"{_config.BatchSize}); choose a batch size that leaves at least 2.");
        var diagnosticsSample = train.Take(Math.Min(_config.DiagnosticsBatch, train.Count));
        var batcher = new MiniBatcher(train, _config.BatchSize, _config.Seed);
        var tape = network.CreateTape();
        var evalTape = network.CreateTape();
        var grads = network.CreateParameters();

        if (epochsDone == 0 && history.Count == 0 && Diagnostics is not null && _config.DiagnoseEvery > 0)
        {
            var initial = new EpochMetrics { Epoch = 0, Diagnostics = Diagnostics(network, theta, theta0, diagnosticsSample, 0) };
            history.Add(initial);
            _run?.AppendMetrics(initial);
        }

        var state = new RunState { Status = RunStatus.Running, EpochsCompleted = epochsDone, EpochsPlanned = _config.Epochs };
        _run?.WriteState(state);
        for (int epoch = epochsDone + 1; epoch <= _config.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            Observer?.OnEpochStart(epoch, batcher.BatchesPerEpoch);
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long errorCount = 0, seen = 0;
            bool diverged = false;
            foreach (var batch in batcher.Epoch(epoch))
            {
                cancel.ThrowIfCancellationRequested();
                double loss = network.Forward(theta, batch.Inputs, batch.Labels, tape, ForwardMode.Train);
                if (!double.IsFinite(loss) || loss > _config.DivergenceLoss) { diverged = true; break; }
                network.Gradient(theta, tape, grads);
                optimizer.Step(theta, grads);
                lossSum += loss * batch.Count;
                errorCount += SoftmaxCrossEntropy<float>.CountErrors(tape.Logits, batch.Labels);
                seen += batch.Count;
                Observer?.OnBatch(epoch, batch.Index + 1, batcher.BatchesPerEpoch, seen / clock.Elapsed.TotalSeconds,
                    lossSum / seen, (double)errorCount / seen);
            }
            if (!diverged && !theta.AllFinite()) diverged = true;

            double seconds = clock.Elapsed.TotalSeconds;
            if (diverged)
            {
                var failed = new EpochMetrics
                {
                    Epoch = epoch, Status = EpochStatus.Diverged, TrainLoss = seen > 0 ? lossSum / seen : double.NaN,
                    TrainErrorRunning = seen > 0 ? (double)errorCount / seen : double.NaN, Seconds = seconds,
                    ExamplesPerSecond = seen / seconds, Steps = optimizer.StepCount,
                };
                history.Add(failed);
                _run?.AppendMetrics(failed);
                Observer?.OnEpochEnd(failed);
                state = state with { Status = RunStatus.Diverged, Message = $"non-finite or exploding loss in epoch {epoch}" };
                _run?.WriteState(state);
                return new TrainingResult(state, history, network, theta, theta0);
            }

            var trainEval = Evaluation.Evaluate(network, theta, train, tape: evalTape);
            var testEval = Evaluation.Evaluate(network, theta, test, tape: evalTape);
            DiagnosticsReport? diagnostics = Diagnostics is not null && _config.DiagnoseEvery > 0 && epoch % _config.DiagnoseEvery == 0
                ? Diagnostics(network, theta, theta0, diagnosticsSample, epoch) : null;
            var metrics = new EpochMetrics
            {
                Epoch = epoch,
                TrainLoss = lossSum / seen,
                TrainError = trainEval.Error,
                TrainErrorRunning = (double)errorCount / seen,
                // An empty test split has no loss or error; null prints as "—" rather than NaN.
                TestLoss = test.Count > 0 ? testEval.Loss : null,
                TestError = test.Count > 0 ? testEval.Error : null,
                Seconds = seconds,
                ExamplesPerSecond = seen / seconds,
                Steps = optimizer.StepCount,
                Diagnostics = diagnostics,
            };
            history.Add(metrics);
            SaveCheckpoint(theta, theta0, optimizer, epoch);
            _run?.AppendMetrics(metrics);
            state = state with { EpochsCompleted = epoch };
            _run?.WriteState(state);
            Observer?.OnEpochEnd(metrics);
        }
        state = state with { Status = RunStatus.Completed };
        _run?.WriteState(state);
        return new TrainingResult(state, history, network, theta, theta0);
    }

    /// <summary>
    /// The metrics of the checkpoint's epoch when its line was lost (torn): the evaluation figures are recomputed
    /// from the checkpoint; the running averages of the epoch's mini-batches cannot be and are stored as NaN.
    /// </summary>
    private EpochMetrics RecomputeEpochLine(Network<float> network, Checkpoint checkpoint, int epoch)
    {
        var trainEval = Evaluation.Evaluate(network, checkpoint.Parameters, TrainingSet);
        var test = TestSet;
        var testEval = Evaluation.Evaluate(network, checkpoint.Parameters, test);
        return new EpochMetrics
        {
            Epoch = epoch, TrainLoss = double.NaN, TrainErrorRunning = double.NaN, TrainError = trainEval.Error,
            TestLoss = test.Count > 0 ? testEval.Loss : null, TestError = test.Count > 0 ? testEval.Error : null,
            Steps = checkpoint.State?.Steps ?? 0,
        };
    }

    private void SaveCheckpoint(ParameterSet<float> theta, ParameterSet<float> theta0, Optimizer<float> optimizer, int epoch)
    {
        if (_run is null) return;
        var trainingState = new TrainingState
        {
            EpochsCompleted = epoch, Steps = optimizer.StepCount, Optimizer = _config.Optimizer,
            LearningRate = _config.LearningRate, Seed = _config.Seed,
        };
        Checkpoint.Save(_run.CheckpointPath, _config.Architecture, theta, theta0, optimizer, _standardizer, trainingState, _config);
    }
}
