using System.Text.Json;
using GradScope.IO;
using GradScope.Training;

namespace GradScope.Reproduction;

/// <summary>
/// Layout of a sweep directory: <c>sweep.json</c>, <c>cells/&lt;id&gt;/</c> (cell.json, the trainer's run
/// files, result.json), and the report files. A cell is finished exactly when its <c>result.json</c>
/// exists: it is written atomically as the cell's last step.
/// </summary>
public sealed class CellStore(string root)
{
    public const string CellsDirectory = "cells";
    public const string CellFile = "cell.json";
    public const string ResultFile = "result.json";
    public const string FailureFile = "failure.txt";

    public string Root { get; } = Path.GetFullPath(root);

    public string CellDirectory(string id) => Path.Combine(Root, CellsDirectory, id);

    public string ResultPath(string id) => Path.Combine(CellDirectory(id), ResultFile);

    public bool IsFinished(string id) => File.Exists(ResultPath(id));

    public TResult? ReadResult<TResult>(string id) where TResult : class
    {
        string path = ResultPath(id);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<TResult>(File.ReadAllText(path), JsonDefaults.Options); }
        catch (JsonException) { return null; }
    }

    public void WriteResult<TResult>(string id, TResult result) =>
        AtomicFile.WriteAllText(ResultPath(id), JsonSerializer.Serialize(result, JsonDefaults.Options));

    public void WriteCellSpec(CellSpec cell)
    {
        Directory.CreateDirectory(CellDirectory(cell.Id));
        AtomicFile.WriteAllText(Path.Combine(CellDirectory(cell.Id), CellFile), JsonSerializer.Serialize<CellSpec>(cell, JsonDefaults.Options));
    }

    /// <summary>The trainer's lifecycle state of a training cell, if it has started.</summary>
    public RunState? TrainingState(string id) =>
        Directory.Exists(CellDirectory(id)) ? Trainer.ReadState(CellDirectory(id)) : null;

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
