using System.Text.Json.Serialization;
using GradScope.Diagnostics;

namespace GradScope.Training;

/// <summary>One line of <c>metrics.jsonl</c> (schema in docs/run-format.md).</summary>
public sealed record EpochMetrics
{
    public int Epoch { get; init; }
    public EpochStatus Status { get; init; } = EpochStatus.Ok;
    /// <summary>Mean mini-batch loss over the epoch, in training mode.</summary>
    public double TrainLoss { get; init; }
    /// <summary>Error on the training split measured after the epoch in evaluation mode.</summary>
    public double? TrainError { get; init; }
    /// <summary>Error averaged over the epoch's mini-batches in training mode.</summary>
    public double TrainErrorRunning { get; init; }
    public double? TestLoss { get; init; }
    public double? TestError { get; init; }
    public double Seconds { get; init; }
    public double ExamplesPerSecond { get; init; }
    public long Steps { get; init; }
    /// <summary>Present every <c>diagnose_every</c> epochs: the report of docs/diagnostics-schema.md, written unchanged.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DiagnosticsReport? Diagnostics { get; init; }
}

/// <summary>The run's lifecycle, stored as <c>state.json</c> so sweeps know which cells are finished.</summary>
public sealed record RunState
{
    public RunStatus Status { get; init; } = RunStatus.Running;
    public int EpochsCompleted { get; init; }
    public int EpochsPlanned { get; init; }
    public string? Message { get; init; }
}
