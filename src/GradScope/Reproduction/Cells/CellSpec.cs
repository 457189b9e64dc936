using System.Globalization;
using System.Text.Json.Serialization;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// One independent unit of work of a sweep, stored as <c>cell.json</c> in its own directory. The id is
/// derived from the content (<see cref="RunName"/>: every option that changes the result), so two studies that
/// need the same run share one cell, and a re-run finds the cells it already finished.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(InitCellSpec), "init")]
[JsonDerivedType(typeof(TrainCellSpec), "train")]
public abstract record CellSpec
{
    public required string Id { get; init; }
    public ulong Seed { get; init; }
    public abstract ArchitectureSpec Architecture { get; }

    /// <summary>Estimated work in parameter × example passes, for the plan's ETA and progress bars.</summary>
    public abstract double Cost { get; }

    /// <summary>
    /// Diagnostics run in double precision, with Jacobian bookkeeping the float training step does not have; measured on
    /// the quick preset, a unit of diagnostic work takes about 1.5 times as long as a unit of training.
    /// </summary>
    protected const double DoublePrecisionFactor = 1.5;

}

/// <summary>A network at initialisation measured on Gaussian noise or on training data (study 1, 5).</summary>
public sealed record InitCellSpec : CellSpec
{
    public const string Noise = "noise";
    public const string Data = "data";

    public required ArchitectureSpec Network { get; init; }
    /// <summary><see cref="Noise"/> or <see cref="Data"/> (the first standardised training examples).</summary>
    public required string Input { get; init; }
    public int Examples { get; init; } = TrainingConfig.DefaultDiagnosticsBatch;

    public override ArchitectureSpec Architecture => Network;

    public override double Cost => DoublePrecisionFactor * 6.0 * Examples * Network.TrainableParameters;

    public static InitCellSpec Create(ArchitectureSpec network, string input, int examples, ulong seed) => new()
    {
        Id = string.Create(CultureInfo.InvariantCulture, $"init-{RunName.Architecture(network)}-{input}-b{examples}-s{seed}"),
        Network = network,
        Input = input,
        Examples = examples,
        Seed = seed,
    };
}

/// <summary>A training run with diagnostics every few epochs and a final analysis (effective depth, Taylor experiment).</summary>
public sealed record TrainCellSpec : CellSpec
{
    public required TrainingConfig Training { get; init; }
    /// <summary>Numbers of replaced blocks for the Taylor experiment; null means 0..L.</summary>
    public IReadOnlyList<int>? TaylorReplaced { get; init; }
    public int TaylorExamples { get; init; } = 1000;
    public double Tau { get; init; } = ResidualTrickOptions.DefaultTau;
    /// <summary>Examples the training runs on (the subset size), for the cost estimate.</summary>
    public int TrainCount { get; init; }
    public int TestCount { get; init; }

    public override ArchitectureSpec Architecture => Training.Architecture;

    public IReadOnlyList<int> TaylorSteps
    {
        get
        {
            int blocks = Training.Architecture.BlockCount;
            // m = L (every block replaced) is always evaluated: a preset list written for 50-block MLPs would otherwise stop
            // a 26-block ResNet at m = 20 (issue 10).
            return TaylorReplaced is null
                ? [.. Enumerable.Range(0, blocks + 1)]
                : [.. TaylorReplaced.Where(m => m >= 0 && m <= blocks).Append(blocks).Distinct().Order()];
        }
    }

    /// <summary>
    /// Whole-network forward passes of the Taylor experiment from both sides, counting an expanded block as three block
    /// passes (θ, θ⁰ and the forward-mode product). Input side: the expansions are built incrementally in m, and each m runs
    /// the L − m blocks above with θ. Output side: the prefix once, then m expansions for each m.
    /// </summary>
    public double TaylorPasses
    {
        get
        {
            int blocks = Math.Max(1, Training.Architecture.BlockCount);
            var steps = TaylorSteps;
            double input = 3.0 * blocks + steps.Sum(m => blocks - m);
            double output = blocks + 3.0 * steps.Sum();
            return (input + output) / blocks;
        }
    }

    public override double Cost
    {
        get
        {
            var a = Training.Architecture;
            double p = a.TrainableParameters;
            int diagnosed = Training.DiagnoseEvery > 0 ? Training.Epochs / Training.DiagnoseEvery + 1 : 0;
            double training = Training.Epochs * (3.0 * TrainCount + TrainCount + TestCount);
            double diagnostics = DoublePrecisionFactor * diagnosed * (a.BlockCount + 6.0) * 2 * Training.DiagnosticsBatch;
            double taylor = TaylorPasses * Math.Min(TaylorExamples, TrainCount) * 2;
            return p * (training + diagnostics + taylor);
        }
    }

    public static TrainCellSpec Create(TrainingConfig training, int trainCount, int testCount, IReadOnlyList<int>? taylorReplaced,
        int taylorExamples, double tau) => new()
    {
        Id = $"train-{RunName.Of(training)}",
        Training = training,
        Seed = training.Seed,
        TaylorReplaced = taylorReplaced,
        TaylorExamples = taylorExamples,
        Tau = tau,
        TrainCount = trainCount,
        TestCount = testCount,
    };
}
