using System.Text.Json;
using GradScope.IO;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// Layout of a sweep directory: <c>sweep.json</c>, <c>cells/&lt;id&gt;/</c> (cell.json, the trainer's run
/// files, result.json), and the report files. A cell is finished exactly when its <c>result.json</c>
/// exists and reads back: it is written atomically as the cell's last step. A result that does not read back (a
/// corrupt file, or one of an older schema) is reported through <paramref name="warn"/>, moved aside to
/// <c>result.json.corrupt</c>, and its cell counts as not finished, so the next sweep runs it again. A read-only store
/// (<paramref name="readOnly"/>, for <c>gradscope status</c>) reports a corrupt result the same way but leaves it in place.
/// </summary>
public sealed class CellStore(string root, Action<string>? warn = null, bool readOnly = false)
{
    public const string CellsDirectory = "cells";
    public const string CellFile = "cell.json";
    public const string ResultFile = "result.json";
    public const string FailureFile = "failure.txt";
    public const string CorruptSuffix = ".corrupt";

    public string Root { get; } = Path.GetFullPath(root);

    public string CellDirectory(string id) => Path.Combine(Root, CellsDirectory, id);

    public string ResultPath(string id) => Path.Combine(CellDirectory(id), ResultFile);

    /// <summary>True when the cell's result exists and reads back as its kind's result type.</summary>
    public bool IsFinished(CellSpec cell) => cell switch
    {
        InitCellSpec init => ReadResult(init) is not null,
        TrainCellSpec train => ReadResult(train) is not null,
        _ => throw new ArgumentException($"Unknown cell kind {cell.GetType().Name}."),
    };

    /// <summary>The cell's result, or null when it has none or its file is corrupt (then reported and moved aside).</summary>
    public InitCellResult? ReadResult(InitCellSpec cell) => Read<InitCellResult>(cell.Id);

    /// <inheritdoc cref="ReadResult(InitCellSpec)"/>
    public TrainCellResult? ReadResult(TrainCellSpec cell) => Read<TrainCellResult>(cell.Id);

    /// <remarks>Private and typed by the cell kind: reading one kind's result as the other's would set a good file aside.</remarks>
    private TResult? Read<TResult>(string id) where TResult : class
    {
        string path = ResultPath(id);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<TResult>(File.ReadAllText(path), JsonDefaults.Options)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            if (readOnly) warn?.Invoke($"warning: {path} is corrupt; its cell counts as not finished ({e.Message})");
            else SetAside(path, e.Message);
            return null;
        }
    }

    private void SetAside(string path, string reason)
    {
        string aside = path + CorruptSuffix;
        try { File.Move(path, aside, overwrite: true); }
        catch (FileNotFoundException) { return; } // another reader of the same sweep moved it first and warned
        warn?.Invoke($"warning: {path} is corrupt and was moved to {aside}; its cell is not finished and runs again ({reason})");
    }

    public void WriteResult<TResult>(string id, TResult result) =>
        AtomicFile.WriteAllText(ResultPath(id), JsonSerializer.Serialize(result, JsonDefaults.Options));

    public void WriteCellSpec(CellSpec cell)
    {
        Directory.CreateDirectory(CellDirectory(cell.Id));
        AtomicFile.WriteAllText(Path.Combine(CellDirectory(cell.Id), CellFile),
            JsonSerializer.Serialize<CellSpec>(cell, JsonDefaults.Options));
    }

    /// <summary>The trainer's lifecycle state of a training cell, if it has started.</summary>
    public RunState? TrainingState(string id) =>
        Directory.Exists(CellDirectory(id)) ? new RunDirectory(CellDirectory(id)).ReadState() : null;

    public string? Failure(string id)
    {
        string path = Path.Combine(CellDirectory(id), FailureFile);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public void WriteFailure(string id, string message)
    {
        Directory.CreateDirectory(CellDirectory(id));
        AtomicFile.WriteAllText(Path.Combine(CellDirectory(id), FailureFile), message);
    }

    public void ClearFailure(string id)
    {
        string path = Path.Combine(CellDirectory(id), FailureFile);
        if (File.Exists(path)) File.Delete(path);
    }
}
