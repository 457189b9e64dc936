using System.Text.Json;
using GradScope.Data;
using GradScope.IO;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Training;

/// <summary>Where a training run stands; stored in the checkpoint's <c>training_state</c> metadata.</summary>
public sealed record TrainingState
{
    public int EpochsCompleted { get; init; }
    public long Steps { get; init; }
    public OptimizerKind Optimizer { get; init; }
    public double LearningRate { get; init; }
    public ulong Seed { get; init; }
}

/// <summary>
/// A network on disk (SPEC §5, docs/checkpoint-format.md): one safetensors file holding θ under the
/// layout's PyTorch-style names, θ⁰ under <c>init.</c>, optimizer slots under <c>optimizer.</c>, the input
/// standardisation under <c>standardizer.</c>, and JSON metadata (<c>architecture</c>,
/// <c>training_state</c>, <c>config</c>). Written atomically.
/// </summary>
public sealed class Checkpoint
{
    public const string Format = "gradscope-checkpoint/1";
    public const string InitPrefix = "init.";

    public required ArchitectureSpec Architecture { get; init; }
    public required ParameterSet<float> Parameters { get; init; }
    public required ParameterSet<float> InitialParameters { get; init; }
    public Standardizer? Standardizer { get; init; }
    public TrainingState? State { get; init; }
    public TrainingConfig? Config { get; init; }
    /// <summary>Optimizer slot tensors by name, as read from disk (empty when none were stored).</summary>
    public IReadOnlyDictionary<string, float[]> OptimizerState { get; init; } = new Dictionary<string, float[]>();

    public static void Save(string path, ArchitectureSpec architecture, ParameterSet<float> theta, ParameterSet<float> theta0,
        Optimizer<float>? optimizer = null, Standardizer? standardizer = null, TrainingState? state = null, TrainingConfig? config = null)
    {
        var tensors = new List<NamedTensor>();
        var layout = theta.Layout;
        for (int i = 0; i < layout.Count; i++)
        {
            var info = layout.Entries[i];
            tensors.Add(ToTensor(info, "", theta[i]));
            tensors.Add(ToTensor(info, InitPrefix, theta0[i]));
        }
        if (optimizer is not null)
            foreach (var (name, tensor) in optimizer.State) tensors.Add(NamedTensor.FromMatrix(name, tensor));
        if (standardizer is not null) tensors.AddRange(standardizer.ToNamedTensors());
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["architecture"] = JsonSerializer.Serialize(architecture, JsonDefaults.Compact),
        };
        if (state is not null) metadata["training_state"] = JsonSerializer.Serialize(state, JsonDefaults.Compact);
        if (config is not null) metadata["config"] = JsonSerializer.Serialize(config, JsonDefaults.Compact);
        SafeTensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Weight matrices are stored out × in; every other tensor (1 × n in memory) 1-D, as PyTorch stores biases and norm
    /// parameters.
    /// </summary>
    private static NamedTensor ToTensor(ParameterInfo info, string prefix, Matrix<float> values) =>
        IsWeightMatrix(info.Name)
            ? NamedTensor.FromMatrix(prefix + info.Name, values)
            : NamedTensor.FromVector(prefix + info.Name, values.Span.ToArray());

    private static bool IsWeightMatrix(string name) =>
        name.EndsWith("linear.weight", StringComparison.Ordinal) || name == "output.weight";

    public static Checkpoint Load(string path)
    {
        var file = SafeTensorsFile.Read(path);
        CheckpointValidation.CheckFormat(file);
        if (!file.Metadata.TryGetValue("architecture", out var archJson))
            throw CheckpointFormatException.InFile(path, "no 'architecture' entry in the metadata; not a GradScope checkpoint");
        ArchitectureSpec architecture;
        try
        {
            architecture = JsonSerializer.Deserialize<ArchitectureSpec>(archJson, JsonDefaults.Options)
                ?? throw new JsonException("null architecture");
            architecture.Validate();
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw CheckpointFormatException.InFile(path, $"invalid architecture metadata: {e.Message}", e);
        }

        // θ, θ⁰, and the copies Build and the caller make.
        Limits.NetworkFootprint.Require(architecture, parameterCopies: 4, batch: 1);
        var network = Network<float>.Build(architecture);
        CheckpointValidation.CheckNoStrayTensors(file, network.Layout, architecture.ToString());
        var theta = ReadSet(file, network.Layout, "", path);
        var theta0 = file.Contains(InitPrefix + network.Layout.Entries[0].Name)
            ? ReadSet(file, network.Layout, InitPrefix, path)
            : theta.Clone();
        Standardizer? standardizer = file.Contains(StandardizerTensors.DefaultPrefix + ".mean") ? file.ReadStandardizer() : null;
        if (standardizer is not null && standardizer.Features != architecture.InputDim)
            throw CheckpointFormatException.InFile(path,
                $"the standardizer has {standardizer.Features} features, the architecture {architecture.InputDim} inputs");
        var optimizerState = file.Names.Where(n => n.StartsWith("optimizer.", StringComparison.Ordinal))
            .ToDictionary(n => n, n => ReadChecked(file, n, path));
        var config = ReadJson<TrainingConfig>(file, "config", path);
        CheckpointValidation.CheckConfigAgrees(path, architecture, config?.Architecture);
        return new Checkpoint
        {
            Architecture = architecture,
            Parameters = theta,
            InitialParameters = theta0,
            Standardizer = standardizer,
            State = ReadJson<TrainingState>(file, "training_state", path),
            Config = config,
            OptimizerState = optimizerState,
        };
    }

    /// <summary>Copies stored optimizer slots into a freshly created optimizer of the same kind.</summary>
    public void RestoreOptimizer(Optimizer<float> optimizer)
    {
        foreach (var (name, tensor) in optimizer.State)
        {
            if (!OptimizerState.TryGetValue(name, out var values))
                throw new CheckpointFormatException(
                    $"The checkpoint has no optimizer tensor '{name}'; it was written by another optimizer.");
            if (values.Length != tensor.Length)
                throw new CheckpointFormatException($"Optimizer tensor '{name}' has {values.Length} values, expected {tensor.Length}.");
            values.CopyTo(tensor.Span);
        }
        optimizer.StepCount = State?.Steps ?? 0;
    }

    private static ParameterSet<float> ReadSet(SafeTensorsFile file, ParameterLayout layout, string prefix, string path)
    {
        var set = new ParameterSet<float>(layout);
        for (int i = 0; i < layout.Count; i++)
        {
            var info = layout.Entries[i];
            string name = prefix + info.Name;
            if (!file.Contains(name)) throw CheckpointFormatException.InFile(path, $"missing tensor '{name}'");
            CheckpointValidation.CheckShape(file, name, CheckpointValidation.ExpectedShape(info, IsWeightMatrix(info.Name)));
            var values = file.GetArray<float>(name);
            CheckpointValidation.CheckValues(path, name, values, IsWeightMatrix(info.Name) ? info.Cols : 1);
            values.CopyTo(set[i].Span);
        }
        return set;
    }

    private static float[] ReadChecked(SafeTensorsFile file, string name, string path)
    {
        var values = file.GetArray<float>(name);
        CheckpointValidation.CheckValues(path, name, values, 1);
        return values;
    }

    private static TValue? ReadJson<TValue>(SafeTensorsFile file, string key, string path) where TValue : class
    {
        if (!file.Metadata.TryGetValue(key, out var json)) return null;
        try { return JsonSerializer.Deserialize<TValue>(json, JsonDefaults.Options); }
        catch (JsonException e) { throw CheckpointFormatException.InFile(path, $"invalid '{key}' metadata: {e.Message}", e); }
    }
}
