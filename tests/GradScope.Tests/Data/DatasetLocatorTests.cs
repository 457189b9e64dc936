using GradScope.Data;

namespace GradScope.Tests.Data;

/// <summary>
/// Lookup order tests. The environment value and system root are passed in (never set on the
/// process), so these tests are safe to run in parallel with everything else.
/// </summary>
public class DatasetLocatorTests
{
    private static string IdxDir(TempDirectory root, string name)
    {
        string dir = root.Subdirectory(name);
        IdxTestFiles.WriteDirectory(dir, 3, 2, gzip: true);
        return dir;
    }

    [Fact]
    public void Explicit_directory_wins_over_environment_and_system()
    {
        using var root = new TempDirectory();
        string explicitDir = IdxDir(root, "explicit");
        string envDir = IdxDir(root, "env");
        string system = root.Subdirectory("system");
        IdxDir(root, Path.Combine("system", "fashion-mnist"));

        var location = DatasetLocator.Locate("fashion-mnist", explicitDir, envDir, system);

        Assert.Equal(Path.GetFullPath(explicitDir), location.Directory);
        Assert.Equal("--data", location.Source);
        Assert.Equal(DatasetFormat.Idx, location.Format);
    }

    [Fact]
    public void Environment_wins_over_system()
    {
        using var root = new TempDirectory();
        string envDir = IdxDir(root, "env");
        string system = root.Subdirectory("system");
        IdxDir(root, Path.Combine("system", "fashion-mnist"));

        var location = DatasetLocator.Locate(null, null, envDir, system);

        Assert.Equal(Path.GetFullPath(envDir), location.Directory);
        Assert.Equal("GRADSCOPE_DATA", location.Source);
        Assert.Equal("fashion-mnist", location.Name);
    }

    [Fact]
    public void Environment_may_name_a_root_with_one_subdirectory_per_dataset()
    {
        using var root = new TempDirectory();
        IdxDir(root, "mnist");
        CifarTestFiles.WriteDirectory(root.Subdirectory("cifar10"));

        var mnist = DatasetLocator.Locate("mnist", null, root.Path, root.File("no-system"));
        var cifar = DatasetLocator.Locate("CIFAR-10", null, root.Path, root.File("no-system"));

        Assert.Equal(Path.GetFullPath(root.File("mnist")), mnist.Directory);
        Assert.Equal(DatasetFormat.Cifar10Binary, cifar.Format);
        Assert.Equal(10, cifar.Load().Train.Count);
    }

    [Fact]
    public void System_location_is_the_fallback_and_loads()
    {
        using var root = new TempDirectory();
        string system = root.Subdirectory("system");
        IdxDir(root, Path.Combine("system", "fashion-mnist"));

        var location = DatasetLocator.Locate("fashion-mnist", null, null, system);
        Assert.Equal("default", location.Source);

        var splits = location.Load();
        Assert.Equal(3, splits.Train.Count);
        Assert.Equal(2, splits.Test.Count);
    }

    [Fact]
    public void Environment_holding_another_format_falls_through_to_system()
    {
        using var root = new TempDirectory();
        string envDir = root.Subdirectory("env");
        CifarTestFiles.WriteDirectory(envDir);
        string system = root.Subdirectory("system");
        IdxDir(root, Path.Combine("system", "fashion-mnist"));

        Assert.Equal("default", DatasetLocator.Locate("fashion-mnist", null, envDir, system).Source);
    }

    [Fact]
    public void Explicit_directory_without_the_data_is_an_error_not_a_fallback()
    {
        using var root = new TempDirectory();
        string empty = root.Subdirectory("empty");
        string system = root.Subdirectory("system");
        IdxDir(root, Path.Combine("system", "fashion-mnist"));

        var e = Assert.Throws<DatasetNotFoundException>(() => DatasetLocator.Locate("fashion-mnist", empty, null, system));
        Assert.Contains("--data " + empty, e.Message);
    }

    [Fact]
    public void Missing_fashion_mnist_says_how_to_install_it()
    {
        using var root = new TempDirectory();
        var e = Assert.Throws<DatasetNotFoundException>(() =>
            DatasetLocator.Locate("fashion-mnist", null, root.File("nowhere"), root.File("system")));
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data DIR", e.Message);
        Assert.Contains("GRADSCOPE_DATA=" + root.File("nowhere"), e.Message);
    }

    [Fact]
    public void Missing_cifar_says_to_download_the_binary_version()
    {
        using var root = new TempDirectory();
        var e = Assert.Throws<DatasetNotFoundException>(() => DatasetLocator.Locate("cifar10", null, null, root.Path));
        Assert.Contains("binary version", e.Message);
        Assert.Contains("--data DIR", e.Message);
    }

    [Fact]
    public void Unknown_dataset_lists_known_names()
    {
        // An unknown name is a wrong option value (exit 2), not missing data.
        var e = Assert.Throws<ArgumentException>(() => DatasetLocator.Locate("imagenet", null, null, "/nonexistent"));
        Assert.Contains("fashion-mnist, mnist, cifar10", e.Message);
    }

    [Fact]
    public void Format_is_detected_from_files()
    {
        using var root = new TempDirectory();
        string idx = IdxDir(root, "idx");
        string cifar = root.Subdirectory("cifar");
        CifarTestFiles.WriteDirectory(cifar);
        Assert.Equal(DatasetFormat.Idx, DatasetLocator.DetectFormat(idx));
        Assert.Equal(DatasetFormat.Cifar10Binary, DatasetLocator.DetectFormat(cifar));
        Assert.Null(DatasetLocator.DetectFormat(root.Subdirectory("nothing")));
        Assert.Null(DatasetLocator.DetectFormat(root.File("absent")));
    }
}
