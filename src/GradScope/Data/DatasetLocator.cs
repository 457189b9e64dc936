namespace GradScope.Data;

/// <summary>
/// Finds a dataset by name. Lookup order: the explicit <c>--data DIR</c> argument, then the
/// <c>GRADSCOPE_DATA</c> environment variable, then the system location where Debian's dataset
/// packages install (<c>/usr/share/datasets/NAME</c>). Each directory is tried as the dataset
/// directory itself and as a parent holding a NAME subdirectory; the format is detected from the
/// files present.
/// </summary>
public static class DatasetLocator
{
    public const string EnvironmentVariable = "GRADSCOPE_DATA";
    public const string DefaultDataset = "fashion-mnist";
    public const string SystemDatasetsRoot = "/usr/share/datasets";

    public static readonly IReadOnlyList<string> KnownDatasets = ["fashion-mnist", "mnist", "cifar10"];

    /// <summary>Locates <paramref name="name"/> using the process environment.</summary>
    public static DatasetLocation Locate(string? name = null, string? explicitDirectory = null) =>
        Locate(name, explicitDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable), SystemDatasetsRoot);

    /// <summary>
    /// Locates a dataset with the environment value and system root passed in, so tests need not
    /// change the process environment.
    /// </summary>
    public static DatasetLocation Locate(string? name, string? explicitDirectory, string? environmentValue, string systemRoot)
    {
        string canonical = Canonicalize(name ?? DefaultDataset);
        DatasetFormat expected = canonical == "cifar10" ? DatasetFormat.Cifar10Binary : DatasetFormat.Idx;

        // An explicit directory is what the user asked for: if the data is not there, say so rather
        // than silently using another copy.
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return TryIn(explicitDirectory, canonical, expected, "--data")
                ?? throw NotFound(canonical, $"not found in --data {explicitDirectory} ({Describe(explicitDirectory, canonical)})");
        }

        var tried = new List<string>();
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            var found = TryIn(environmentValue, canonical, expected, EnvironmentVariable);
            if (found is not null) return found;
            tried.Add($"{EnvironmentVariable}={environmentValue}");
        }

        string system = Path.Combine(systemRoot, canonical);
        var atSystem = TryDirectory(system, canonical, expected, "default");
        if (atSystem is not null) return atSystem;
        tried.Add(system);

        throw NotFound(canonical, $"not found (looked in {string.Join(", ", tried)})");
    }

    /// <summary>Locates and loads both splits.</summary>
    public static DatasetSplits Load(string? name = null, string? explicitDirectory = null) =>
        Locate(name, explicitDirectory).Load();

    /// <summary>The format of the dataset files directly in <paramref name="directory"/>, or null if there are none.</summary>
    public static DatasetFormat? DetectFormat(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        if (IdxFileSet.Find(directory).IsAnyPresent) return DatasetFormat.Idx;
        if (Cifar10Reader.FindBatchDirectory(directory) is not null) return DatasetFormat.Cifar10Binary;
        return null;
    }

    private static DatasetLocation? TryIn(string root, string name, DatasetFormat expected, string source) =>
        TryDirectory(root, name, expected, source)
        ?? TryDirectory(Path.Combine(root, name), name, expected, source);

    private static DatasetLocation? TryDirectory(string directory, string name, DatasetFormat expected, string source)
    {
        // A directory holding another dataset's format is not a match (e.g. GRADSCOPE_DATA pointing
        // at CIFAR-10 while Fashion-MNIST is asked for). A partial idx set is a match: loading it
        // then names the missing files, which helps more than "not found".
        if (DetectFormat(directory) != expected) return null;
        return new DatasetLocation(name, Path.GetFullPath(directory), expected, source);
    }

    private static string Describe(string directory, string name)
    {
        if (!Directory.Exists(directory)) return "no such directory";
        string wanted = name == "cifar10" ? "CIFAR-10 .bin batches" : "idx files";
        string found = DetectFormat(directory) is DatasetFormat other ? $"it holds {other} files, " : "";
        return $"{found}neither it nor {Path.Combine(directory, name)} holds {wanted}";
    }

    private static string Canonicalize(string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace('_', '-');
        return key switch
        {
            "fashion-mnist" or "fashionmnist" or "fmnist" => "fashion-mnist",
            "mnist" => "mnist",
            "cifar10" or "cifar-10" => "cifar10",
            // A name outside the list is a wrong option value (exit 2), not missing data.
            _ => throw new ArgumentException(
                $"--dataset: unknown dataset '{name}'; known datasets: {string.Join(", ", KnownDatasets)}."),
        };
    }

    private static DatasetNotFoundException NotFound(string name, string what)
    {
        string howTo = name switch
        {
            "fashion-mnist" => "install it with 'sudo apt-get install dataset-fashion-mnist', or pass --data DIR " +
                $"(or set {EnvironmentVariable}) with the four idx .gz files",
            "mnist" => $"pass --data DIR (or set {EnvironmentVariable}) with the four MNIST idx files (train-images-idx3-ubyte.gz, …)",
            _ =>
                $"download the CIFAR-10 binary version elsewhere and pass --data DIR (or set {EnvironmentVariable}) with " +
                $"data_batch_1..5.bin and test_batch.bin",
        };
        return new DatasetNotFoundException($"dataset '{name}' {what}; {howTo}");
    }
}
