namespace GradScope.Reproduction;

/// <summary>
/// What a preset costs before it runs: its cells and the estimated time on this machine, from the calibrated
/// cost model. Core-hours are the wall time of one job times the cores the engine's worker pool keeps busy.
/// </summary>
public sealed record PresetEstimate(string Preset, int InitCells, int TrainCells, double Seconds, int Cores)
{
    public int Cells => InitCells + TrainCells;
    public double CoreHours => Seconds * Cores / 3600;

    /// <summary>Plans <paramref name="preset"/> on <paramref name="data"/> and times its cells with <paramref
    /// name="secondsPerUnit"/>.</summary>
    public static PresetEstimate Of(ReproductionPreset preset, SweepData data, double secondsPerUnit)
    {
        var plan = SweepPlan.Create(preset, data.Shape, data.Splits.Train.Count, data.Splits.Test.Count, "estimate");
        int init = plan.Cells.Count(c => c.Cell is InitCellSpec);
        return new PresetEstimate(preset.Name, init, plan.Cells.Count - init, plan.Cells.Sum(c => c.Cell.Cost) * secondsPerUnit,
            Environment.ProcessorCount);
    }
}
