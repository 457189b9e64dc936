using System.Text;
using System.Text.Json;
using GradScope.IO;

namespace GradScope.Training;

/// <summary>
/// Reading and writing of one run directory (layout in docs/run-format.md): <c>config.json</c>, <c>state.json</c>,
/// <c>metrics.jsonl</c> and <c>checkpoint.safetensors</c>. Every write replaces its file atomically.
/// </summary>
public sealed class RunDirectory(string path)
{
    public const string ConfigFile = "config.json";
    public const string StateFile = "state.json";
    public const string MetricsFile = "metrics.jsonl";
    public const string CheckpointFile = "checkpoint.safetensors";

    public string Path { get; } = path;
    public string ConfigPath => System.IO.Path.Combine(Path, ConfigFile);
    public string StatePath => System.IO.Path.Combine(Path, StateFile);
    public string MetricsPath => System.IO.Path.Combine(Path, MetricsFile);
    public string CheckpointPath => System.IO.Path.Combine(Path, CheckpointFile);

    /// <summary>Creates the directory, writes the configuration and an empty metrics file (a fresh run).</summary>
    public void Start(TrainingConfig config)
    {
        Directory.CreateDirectory(Path);
        AtomicFile.WriteAllText(ConfigPath, JsonSerializer.Serialize(config, JsonDefaults.Options));
        AtomicFile.WriteAllText(MetricsPath, "");
    }

    public TrainingConfig ReadConfig()
    {
        if (!File.Exists(ConfigPath)) throw new ArgumentException($"{Path} is not a run directory: {ConfigFile} is missing.");
        try
        {
            return (JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(ConfigPath), JsonDefaults.Options)
                ?? throw new JsonException("empty")).Validate();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{ConfigPath}: not a valid run configuration ({e.Message}).", e);
        }
    }

    public void WriteState(RunState state) => AtomicFile.WriteAllText(StatePath, JsonSerializer.Serialize(state, JsonDefaults.Options));

    /// <summary>The run's lifecycle state, or null before the run started.</summary>
    public RunState? ReadState()
    {
        if (!File.Exists(StatePath)) return null;
        try
        {
            return JsonSerializer.Deserialize<RunState>(File.ReadAllText(StatePath), JsonDefaults.Options)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{StatePath}: not a valid run state ({e.Message}).", e);
        }
    }

    public void AppendMetrics(EpochMetrics metrics)
    {
        string existing = File.Exists(MetricsPath) ? File.ReadAllText(MetricsPath) : "";
        AtomicFile.WriteAllText(MetricsPath, existing + JsonSerializer.Serialize(metrics, JsonDefaults.Compact) + "\n");
    }

    /// <summary>Replaces metrics.jsonl with <paramref name="history"/> (a resumed run drops lines newer than its checkpoint).</summary>
    public void WriteMetrics(IEnumerable<EpochMetrics> history)
    {
        var sb = new StringBuilder();
        foreach (var m in history) sb.Append(JsonSerializer.Serialize(m, JsonDefaults.Compact)).Append('\n');
        AtomicFile.WriteAllText(MetricsPath, sb.ToString());
    }

    public List<EpochMetrics> ReadMetrics()
    {
        if (!File.Exists(MetricsPath)) return [];
        var lines = new List<EpochMetrics>();
        int number = 0;
        foreach (string line in File.ReadLines(MetricsPath))
        {
            number++;
            if (line.Length == 0) continue;
            try
            {
                lines.Add(JsonSerializer.Deserialize<EpochMetrics>(line, JsonDefaults.Options) ?? throw new JsonException("empty line"));
            }
            catch (JsonException e)
            {
                // A torn last line (a write cut short outside GradScope's atomic writes) is dropped; a resumed run
                // recomputes that epoch's line. A bad line before the last is corruption.
                if (IsLastLine(number)) break;
                throw new InvalidDataException($"{MetricsPath}, line {number}: not a valid metrics line ({e.Message}).", e);
            }
        }
        return lines;
    }

    private bool IsLastLine(int number) => File.ReadLines(MetricsPath).Skip(number).All(l => l.Length == 0);
}
