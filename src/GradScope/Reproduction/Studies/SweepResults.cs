using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>The plan of a sweep directory with every finished cell's result, read once for the report.</summary>
public sealed class SweepResults
{
    private readonly Dictionary<string, InitCellResult> _init = [];
    private readonly Dictionary<string, TrainCellResult> _train = [];
    private readonly HashSet<string> _failed = [];
    private readonly HashSet<string> _started = [];

    public SweepResults(SweepPlan plan, CellStore store)
    {
        Plan = plan;
        Store = store;
        foreach (var planned in plan.Cells)
        {
            string id = planned.Cell.Id;
            switch (planned.Cell)
            {
                case InitCellSpec cell when store.ReadResult(cell) is { } init: _init[id] = init; break;
                case TrainCellSpec cell when store.ReadResult(cell) is { } train: _train[id] = train; break;
                default:
                    if (store.Failure(id) is not null) _failed.Add(id);
                    else if (Directory.Exists(store.CellDirectory(id))) _started.Add(id);
                    break;
            }
        }
    }

    public SweepPlan Plan { get; }
    public CellStore Store { get; }
    public ReproductionPreset Preset => Plan.Preset;
    /// <summary>The seed tables and curves show (the first of the preset).</summary>
    public ulong Seed => Preset.FirstSeed;

    public int FinishedCount => _init.Count + _train.Count;
    public bool IsFinished(string id) => _init.ContainsKey(id) || _train.ContainsKey(id);

    public InitCellResult? Init(CellSpec cell) => _init.GetValueOrDefault(cell.Id);
    public TrainCellResult? Train(CellSpec cell) => _train.GetValueOrDefault(cell.Id);

    /// <summary>"missing" cells of a study with their state: not started, running/interrupted, failed.</summary>
    public IReadOnlyList<(string Id, string State)> MissingOf(string study) =>
        [.. Plan.CellsOf(study).Where(c => !IsFinished(c.Cell.Id))
            .Select(c => (c.Cell.Id,
                _failed.Contains(c.Cell.Id) ? "failed" : _started.Contains(c.Cell.Id) ? "interrupted" : "not run"))];

    public int PlannedOf(string study) => Plan.CellsOf(study).Count();

    /// <summary>The initial-state cell of an architecture of a study for the given input, at the first seed.</summary>
    public (InitCellSpec? Cell, InitCellResult? Result) InitOf(string study, string architecture, string input)
    {
        var cell = Plan.CellsOf<InitCellSpec>(study).FirstOrDefault(c => c.Network.Name == architecture && c.Input == input
            && c.Seed == Seed);
        return (cell, cell is null ? null : Init(cell));
    }

    /// <summary>The finished initial-state results of an architecture of a study for one input, one per seed, in seed order.</summary>
    public IReadOnlyList<InitCellResult> InitsOf(string study, string architecture, string input) =>
        [.. Plan.CellsOf<InitCellSpec>(study).Where(c => c.Network.Name == architecture && c.Input == input)
            .OrderBy(c => c.Seed).Select(Init).OfType<InitCellResult>()];

    /// <summary>
    /// The learning-rate search of (architecture, optimiser) over every seed among a study's training cells matching
    /// <paramref name="filter"/>.
    /// </summary>
    public SearchResult Search(string study, string architecture, OptimizerKind optimizer, Func<TrainCellSpec, bool>? filter = null)
    {
        var cells = Plan.CellsOf<TrainCellSpec>(study)
            .Where(c => c.Training.Architecture.Name == architecture && c.Training.Optimizer == optimizer && (filter?.Invoke(c) ?? true))
            .ToList();
        var runs = cells.Select(Train).OfType<TrainCellResult>().ToList();
        var grid = cells.Select(c => c.Training.LearningRate).Distinct().Order().ToList();
        return new SearchResult(architecture, optimizer, grid, runs, cells.Count);
    }

    /// <summary>
    /// The networks of a study in plan order, one per family name (the first planned sizes): studies and claims read
    /// the family from the spec's typed properties (<see cref="ArchitectureSpec.IsResidual"/>,
    /// <see cref="ArchitectureSpec.Normalization"/>,
    /// <see cref="ArchitectureSpec.Activation"/>, <see cref="ArchitectureSpec.Init"/>) instead of parsing names.
    /// </summary>
    public IReadOnlyList<ArchitectureSpec> ArchitectureSpecsOf(string study) =>
        [.. Plan.CellsOf(study).Select(c => c.Cell.Architecture).DistinctBy(a => a.Name)];

    /// <summary>Architecture names in plan order among a study's cells.</summary>
    public IReadOnlyList<string> ArchitecturesOf(string study) => [.. ArchitectureSpecsOf(study).Select(a => a.Name)];
}
