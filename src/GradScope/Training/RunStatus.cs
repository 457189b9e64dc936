namespace GradScope.Training;

/// <summary>
/// Where a training run stands (<c>state.json</c>, cell results). JSON and CSV spell it
/// <see cref="RunStatusNames.Name(RunStatus)"/>.
/// </summary>
public enum RunStatus
{
    /// <summary>Started and not yet finished (or interrupted: <c>--resume</c> continues it).</summary>
    Running,
    /// <summary>Trained every planned epoch.</summary>
    Completed,
    /// <summary>Stopped on a non-finite or exploding loss; the last good checkpoint is kept.</summary>
    Diverged,
}

/// <summary>How one epoch ended (a line of <c>metrics.jsonl</c>).</summary>
public enum EpochStatus
{
    Ok,
    /// <summary>The epoch hit a non-finite or exploding loss: the last line of a diverged run.</summary>
    Diverged,
}

/// <summary>
/// The documented lowercase spellings. JSON writes the same strings through <see cref="JsonDefaults"/>' snake_case enum
/// converter; these are for text that does not go through JSON (CSV cells, report tables, console lines).
/// </summary>
public static class RunStatusNames
{
    public static string Name(this RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Diverged => "diverged",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Name(this EpochStatus status) => status switch
    {
        EpochStatus.Ok => "ok",
        EpochStatus.Diverged => "diverged",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
