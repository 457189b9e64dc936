using System.Text.Json.Serialization;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary><c>result.json</c> of an initial-state cell (schema in docs/study-schemas.md).</summary>
public sealed record InitCellResult
{
    public required string Id { get; init; }
    /// <summary>The measured network; studies read its family (residual, norm, activation, init) from here, not from its name.</summary>
    public required ArchitectureSpec Architecture { get; init; }
    public int Width { get; init; }
    public int LinearLayers { get; init; }
    public required string Input { get; init; }
    public ulong Seed { get; init; }
    public int Examples { get; init; }
    /// <summary>The diagnostics report of docs/diagnostics-schema.md, stored unchanged.</summary>
    public required DiagnosticsReport Measurements { get; init; }
}

/// <summary>One epoch of a training cell, as shown in the curves.</summary>
public sealed record EpochRecord
{
    public int Epoch { get; init; }
    public double? TrainLoss { get; init; }
    public double? TrainError { get; init; }
    public double? TrainErrorRunning { get; init; }
    public double? TestError { get; init; }
    public double? GscRate { get; init; }
    /// <summary>SPEC §2.5's λ-share effective depth.</summary>
    public double? EffectiveDepth { get; init; }
    /// <summary>The gradient-truncation effective depth the claims judge on (docs/faithfulness.md §4.3).</summary>
    public double? TruncationEffectiveDepth { get; init; }
}

/// <summary><c>result.json</c> of a training cell: written last, so its presence marks the cell finished.</summary>
public sealed record TrainCellResult
{
    public required string Id { get; init; }
    /// <summary><see cref="RunStatus.Completed"/> or <see cref="RunStatus.Diverged"/>.</summary>
    public required RunStatus Status { get; init; }
    public string? Message { get; init; }
    /// <summary>The measured network; studies read its family (residual, norm, activation, init) from here, not from its name.</summary>
    public required ArchitectureSpec Architecture { get; init; }
    public int Width { get; init; }
    public int LinearLayers { get; init; }
    public int Blocks { get; init; }
    public long Parameters { get; init; }
    public double? ResidualWeight { get; init; }
    public required OptimizerKind Optimizer { get; init; }
    public double LearningRate { get; init; }
    public ulong Seed { get; init; }
    public int EpochsCompleted { get; init; }
    public int EpochsPlanned { get; init; }
    public double? TrainError { get; init; }
    public double? TrainErrorRunning { get; init; }
    public double? TestError { get; init; }
    public double? TrainLoss { get; init; }
    public IReadOnlyList<EpochRecord> History { get; init; } = [];
    /// <summary>Diagnostics of the initial state (epoch 0) on the diagnostics batch.</summary>
    public DiagnosticsReport? Initial { get; init; }
    /// <summary>Diagnostics after the last epoch, with the Taylor experiment attached (null for diverged runs).</summary>
    public DiagnosticsReport? Final { get; init; }

    /// <summary>
    /// The Taylor experiment with the blocks nearest the output replaced; the input side is <see cref="Final"/>'s
    /// <c>taylor</c> (the diagnostics report holds one side).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TaylorResult? TaylorFromOutput { get; init; }

    /// <summary>The Taylor experiment's points from the input side (empty when it did not run).</summary>
    [JsonIgnore]
    public IReadOnlyList<TaylorPoint> Taylor => Final?.Taylor?.Points ?? [];

    /// <summary>The Taylor experiment's points from one side, with m = 0 (the unmodified network) first when measured.</summary>
    public IReadOnlyList<TaylorPoint> TaylorFrom(TaylorSide side) =>
        (side == TaylorSide.NearestInput ? Final?.Taylor : TaylorFromOutput)?.Points ?? [];

    [JsonIgnore]
    public bool Diverged => Status == RunStatus.Diverged;
}
