using GradScope.Data;
using GradScope.Networks;

namespace GradScope.Training;

/// <summary>Everything that determines a training run; stored as the run's <c>config.json</c>.</summary>
public sealed record TrainingConfig
{
    // The defaults of SPEC §3, written only here: the command line shows and uses these constants.
    public const OptimizerKind DefaultOptimizer = OptimizerKind.Adam;
    public const double DefaultLearningRate = 1e-3;
    public const int DefaultBatchSize = 128;
    public const int DefaultEpochs = 10;
    public const ulong DefaultSeed = 1;
    public const int DefaultDiagnosticsBatch = 256;
    /// <summary>Project choice: 100 × the loss of a uniform guess over 10 classes ≈ 230.</summary>
    public static readonly double DefaultDivergenceLoss = 100 * Math.Log(10);

    public required ArchitectureSpec Architecture { get; init; }
    public OptimizerKind Optimizer { get; init; } = DefaultOptimizer;
    public double LearningRate { get; init; } = DefaultLearningRate;
    public int BatchSize { get; init; } = DefaultBatchSize;
    public int Epochs { get; init; } = DefaultEpochs;
    /// <summary>Seeds initialisation (stream 0), subset choice and batch order (per epoch).</summary>
    public ulong Seed { get; init; } = DefaultSeed;
    public string Dataset { get; init; } = DatasetLocator.DefaultDataset;
    public string? DataDirectory { get; init; }
    /// <summary>Train on a seeded random subset of this many examples (null: the full training set).</summary>
    public int? TrainSubset { get; init; }
    /// <summary>Evaluate on the first this-many test examples (null: the full test set).</summary>
    public int? TestSubset { get; init; }
    /// <summary>Run diagnostics every N epochs (0: never); epoch 0 is the initial state.</summary>
    public int DiagnoseEvery { get; init; }
    /// <summary>Examples used for diagnostics.</summary>
    public int DiagnosticsBatch { get; init; } = DefaultDiagnosticsBatch;
    /// <summary>A mini-batch loss above this marks the run diverged.</summary>
    public double DivergenceLoss { get; init; } = DefaultDivergenceLoss;

    /// <summary>Throws a one-line explanation for impossible values.</summary>
    public TrainingConfig Validate()
    {
        Architecture.Validate();
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"--lr must be a positive number (got {LearningRate}).");
        if (BatchSize < 1) throw new ArgumentException($"--batch must be at least 1 (got {BatchSize}).");
        // One example has zero batch variance: batch norm would output its bias alone and train on nothing.
        if (BatchSize < 2 && Architecture.Normalization == Networks.NormKind.Batch)
            throw new ArgumentException($"batch norm needs --batch of at least 2 (got {BatchSize}): one example has no batch variance.");
        if (Epochs < 0) throw new ArgumentException($"--epochs must be ≥ 0 (got {Epochs}).");
        if (TrainSubset is < 1) throw new ArgumentException($"--train-subset must be at least 1 (got {TrainSubset}).");
        if (TestSubset is < 1) throw new ArgumentException($"--test-subset must be at least 1 (got {TestSubset}).");
        if (DiagnoseEvery < 0) throw new ArgumentException($"--diagnose-every must be ≥ 0 (got {DiagnoseEvery}).");
        if (DiagnosticsBatch < 2)
            throw new ArgumentException($"The diagnostics batch must hold at least 2 examples (got {DiagnosticsBatch}).");
        return this;
    }
}
