namespace GradScope.Training;

/// <summary>
/// <c>train --out DIR</c> never replaces a run by accident: a directory that already holds run files is refused
/// unless the user resumes it or asks to overwrite it; overwriting removes the old run's files first, so an
/// interrupted new run cannot later resume from the old run's checkpoint.
/// </summary>
public static class RunDirectoryClaim
{
    private static readonly string[] RunFiles =
        [RunDirectory.ConfigFile, RunDirectory.StateFile, RunDirectory.MetricsFile, RunDirectory.CheckpointFile];

    public static void Claim(string runDirectory, bool overwrite)
    {
        if (File.Exists(runDirectory)) throw new ArgumentException($"--out {runDirectory} is a file, expected a run directory.");
        var existing = RunFiles.Where(f => File.Exists(Path.Combine(runDirectory, f))).ToList();
        if (existing.Count == 0) return;
        if (!overwrite)
        {
            var state = new RunDirectory(runDirectory).ReadState();
            string what = state is null
                ? "a run"
                : $"a {RunStatusNames.Name(state.Status)} run ({state.EpochsCompleted} of {state.EpochsPlanned} epochs)";
            throw new ArgumentException($"{runDirectory} already holds {what}; continue it with --resume {runDirectory} " +
                "or replace it with --overwrite.");
        }
        foreach (string file in existing) File.Delete(Path.Combine(runDirectory, file));
    }
}
