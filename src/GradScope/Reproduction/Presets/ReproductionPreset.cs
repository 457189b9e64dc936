using System.Text.Json.Serialization;
using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>Where the sweep's data comes from: a named dataset (located as by <c>gradscope train</c>) or generated clusters.</summary>
public sealed record DataSpec
{
    /// <summary>"fashion-mnist", "mnist", "cifar10" or <see cref="SyntheticData.Name"/>.</summary>
    public string Dataset { get; init; } = DatasetLocator.DefaultDataset;
    /// <summary>Synthetic data only: sizes of the generated splits.</summary>
    public int SyntheticTrain { get; init; } = 512;
    public int SyntheticTest { get; init; } = 256;
    public int SyntheticFeatures { get; init; } = 24;
    public int SyntheticClasses { get; init; } = 4;
    public ulong SyntheticSeed { get; init; } = 7;
}

/// <summary>
/// A learning-rate search grid for one optimiser, over <paramref name="Architectures"/> (null: every architecture of
/// the training study), so that a budget preset can run a secondary optimiser on a few key networks only.
/// </summary>
public sealed record LearningRateGrid(OptimizerKind Optimizer, IReadOnlyList<double> Rates, IReadOnlyList<string>? Architectures = null)
{
    public bool Covers(string architecture) => Architectures is null || Architectures.Contains(architecture);
}

/// <summary>Study 4: ResNets over a range of branch weights w_r (dilution).</summary>
public sealed record DilutionSpec
{
    public IReadOnlyList<string> Architectures { get; init; } = ["resnet-relu"];
    public IReadOnlyList<double> ResidualWeights { get; init; } = [1.0, 0.5, 0.2, 0.1, 0.05];
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public IReadOnlyList<double> LearningRates { get; init; } = [1e-3];
}

/// <summary>Study 6: one parameter budget spent on several depths.</summary>
public sealed record WidthDepthSpec
{
    public IReadOnlyList<string> Architectures { get; init; } = ["relu"];
    public IReadOnlyList<int> Depths { get; init; } = [5, 10, 20, 50];
    /// <summary>Its own learning-rate search: the best rate of a 5-layer network need not suit a 50-layer one.</summary>
    /// <summary>Trainable parameters per network; null: those of the preset's depth × width network of the first architecture.</summary>
    public long? ParameterBudget { get; init; }
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public IReadOnlyList<double> LearningRates { get; init; } = [1e-3];
}

/// <summary>
/// Everything a <c>gradscope reproduce</c> sweep runs. Stored in the output directory's <c>sweep.json</c>, so
/// re-runs, shards and <c>gradscope report</c> all see the same plan.
/// </summary>
public sealed record ReproductionPreset
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public DataSpec Data { get; init; } = new();
    /// <summary>Linear layers (output layer excluded), width and residual units of every network; study 6 varies depth and width.</summary>
    public NetworkSizes Sizes { get; init; } = NetworkSizes.Default;
    /// <summary>
    /// Seeds of every cell, initial-state cells included: the spread over them is shown beside each mean, and a claim
    /// whose verdict one seed alone would change is inconclusive.
    /// </summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [TrainingConfig.DefaultSeed];

    /// <summary>The seed of the curves and profiles the report draws for one run: the first of <see cref="Seeds"/>.</summary>
    [JsonIgnore]
    public ulong FirstSeed => Seeds.Count > 0 ? Seeds[0] : TrainingConfig.DefaultSeed;

    // Training protocol (shared by studies 2–6).
    public int? TrainSubset { get; init; }
    public int? TestSubset { get; init; }
    public int Epochs { get; init; } = TrainingConfig.DefaultEpochs;
    public int BatchSize { get; init; } = TrainingConfig.DefaultBatchSize;
    /// <summary>Study 2: the optimisers and their learning-rate grids.</summary>
    public IReadOnlyList<LearningRateGrid> LearningRates { get; init; } =
    [
        new(OptimizerKind.Sgd, [1e-3, 3e-3, 1e-2, 3e-2, 1e-1]),
        new(OptimizerKind.Adam, [1e-5, 3e-5, 1e-4, 3e-4, 1e-3]),
    ];
    /// <summary>Diagnostics during training every N epochs (epoch 0 = initial state).</summary>
    public int DiagnoseEvery { get; init; } = 1;
    /// <summary>Examples per diagnostics batch (during training and at initialisation).</summary>
    public int DiagnosticsBatch { get; init; } = TrainingConfig.DefaultDiagnosticsBatch;
    public double Tau { get; init; } = ResidualTrickOptions.DefaultTau;

    // Studies.
    /// <summary>Study 1: architectures measured at initialisation.</summary>
    public IReadOnlyList<string> InitArchitectures { get; init; } = [];
    /// <summary>Study 2 (and 3): architectures trained with every optimiser of <see cref="LearningRates"/>.</summary>
    public IReadOnlyList<string> TrainArchitectures { get; init; } = [];
    /// <summary>Study 3: numbers of replaced blocks; null means every m = 0..L.</summary>
    public IReadOnlyList<int>? TaylorReplaced { get; init; }
    /// <summary>Study 3: training examples on which the modified networks are evaluated.</summary>
    public int TaylorExamples { get; init; } = 2000;
    public DilutionSpec Dilution { get; init; } = new();
    /// <summary>Study 5: initial states compared side by side (measured at init and trained with Adam).</summary>
    public IReadOnlyList<string> OrthogonalArchitectures { get; init; } = [];
    public WidthDepthSpec WidthDepth { get; init; } = new();

    /// <summary>
    /// The learning rates one optimiser searches on one architecture: the union of its grids that cover it (a budget preset
    /// extends a grid for a few networks whose best rate sat at an edge). Empty when the preset does not train with it.
    /// </summary>
    public IReadOnlyList<double> LearningRatesFor(OptimizerKind kind, string architecture) =>
        [.. LearningRates.Where(g => g.Optimizer == kind && g.Covers(architecture)).SelectMany(g => g.Rates).Distinct().Order()];
}
