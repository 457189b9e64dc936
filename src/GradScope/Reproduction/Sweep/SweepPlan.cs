using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>A cell of the plan with the studies that use it; the first one owns its progress.</summary>
public sealed record PlannedCell(CellSpec Cell, IReadOnlyList<string> Studies);

/// <summary>
/// The cells a preset needs, deduplicated by id. Stored as <c>sweep.json</c> (with the preset) so that
/// <c>gradscope report</c> knows what is missing without re-deriving the plan from the data.
/// </summary>
public sealed record SweepPlan
{
    public const string FileName = "sweep.json";
    public const string Format = "gradscope-sweep/1";

    public string FormatVersion { get; init; } = Format;
    public required ReproductionPreset Preset { get; init; }
    /// <summary>Input features and classes of the sweep's data; every cell's network is built for it.</summary>
    public required DataShape Shape { get; init; }
    public required string Diagnostics { get; init; }
    public required IReadOnlyList<PlannedCell> Cells { get; init; }

    public IEnumerable<PlannedCell> CellsOf(string study) => Cells.Where(c => c.Studies.Contains(study));

    public IEnumerable<TCell> CellsOf<TCell>(string study) where TCell : CellSpec => CellsOf(study).Select(c => c.Cell).OfType<TCell>();

    /// <summary>Builds the plan of <paramref name="preset"/> for data of the given shape.</summary>
    public static SweepPlan Create(ReproductionPreset preset, DataShape shape, int trainCount, int testCount, string diagnostics)
    {
        var cells = new List<(CellSpec Cell, List<string> Studies)>();
        var byId = new Dictionary<string, int>();
        void Add(CellSpec cell, string study)
        {
            if (byId.TryGetValue(cell.Id, out int i))
            {
                if (!cells[i].Studies.Contains(study)) cells[i].Studies.Add(study);
                return;
            }
            byId[cell.Id] = cells.Count;
            cells.Add((cell, [study]));
        }

        ArchitectureSpec Arch(string name, NetworkSizes? sizes = null) => ArchitectureSpec.Create(name, shape, sizes ?? preset.Sizes);

        int train = Math.Min(preset.TrainSubset ?? int.MaxValue, trainCount);
        int test = Math.Min(preset.TestSubset ?? int.MaxValue, testCount);
        TrainCellSpec Train(ArchitectureSpec arch, OptimizerKind optimizer, double lr, ulong seed) =>
            TrainCellSpec.Create(new TrainingConfig
        {
            Architecture = arch,
            Optimizer = optimizer,
            LearningRate = lr,
            BatchSize = preset.BatchSize,
            Epochs = preset.Epochs,
            Seed = seed,
            Dataset = preset.Data.Dataset,
            TrainSubset = preset.TrainSubset,
            TestSubset = preset.TestSubset,
            DiagnoseEvery = preset.DiagnoseEvery,
            DiagnosticsBatch = Math.Min(preset.DiagnosticsBatch, train),
        }.Validate(), train, test, preset.TaylorReplaced, preset.TaylorExamples, preset.Tau);

        // Initial states are measured at every seed too, so the claims can tell a verdict the seeds disagree on.
        IReadOnlyList<ulong> seeds = preset.Seeds.Count > 0 ? preset.Seeds : [preset.FirstSeed];
        foreach (ulong seed in seeds)
        {
            foreach (string name in preset.InitArchitectures)
                foreach (string input in new[] { InitCellSpec.Noise, InitCellSpec.Data })
                    Add(InitCellSpec.Create(Arch(name), input, preset.DiagnosticsBatch, seed), StudyIds.Init);
            foreach (string name in preset.OrthogonalArchitectures)
                foreach (string input in new[] { InitCellSpec.Noise, InitCellSpec.Data })
                    Add(InitCellSpec.Create(Arch(name), input, preset.DiagnosticsBatch, seed), StudyIds.Orthogonal);
        }

        foreach (ulong seed in preset.Seeds)
        {
            foreach (string name in preset.TrainArchitectures)
                foreach (var grid in preset.LearningRates.Where(g => g.Covers(name)))
                    foreach (double lr in grid.Rates)
                        Add(Train(Arch(name), grid.Optimizer, lr, seed), StudyIds.Training);

            foreach (string name in preset.Dilution.Architectures)
                foreach (double w in preset.Dilution.ResidualWeights)
                {
                    var diluted = Arch(name).WithResidualWeight(w);
                    foreach (double lr in preset.Dilution.LearningRates)
                        Add(Train(diluted, preset.Dilution.Optimizer, lr, seed), StudyIds.Dilution);
                }

            foreach (string name in preset.OrthogonalArchitectures)
                foreach (double lr in preset.LearningRatesFor(OptimizerKind.Adam, name))
                    Add(Train(Arch(name), OptimizerKind.Adam, lr, seed), StudyIds.Orthogonal);

            var wd = preset.WidthDepth;
            if (wd.Architectures.Count > 0)
            {
                long budget = wd.ParameterBudget ?? Arch(wd.Architectures[0]).TrainableParameters;
                foreach (string name in wd.Architectures)
                    foreach (int depth in wd.Depths)
                    {
                        var resized = Arch(name).AtParameterBudget(depth, budget);
                        foreach (double lr in wd.LearningRates)
                            Add(Train(resized, wd.Optimizer, lr, seed), StudyIds.WidthDepth);
                    }
            }
        }

        return new SweepPlan
        {
            Preset = preset,
            Shape = shape,
            Diagnostics = diagnostics,
            Cells = [.. cells.Select(c => new PlannedCell(c.Cell, c.Studies))],
        };
    }
}
