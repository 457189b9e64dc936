using GradScope.Cli;
using GradScope.Networks;
using GradScope.Tests.Data;
using GradScope.Training;

namespace GradScope.Tests.Cli;

/// <summary>The architecture options of the commands: checked before any data is read, then built once for the data's shape.</summary>
public class ArchitectureOptionsTests
{
    [Fact]
    public void Train_builds_the_network_for_the_shape_of_its_data()
    {
        using var temp = new TempDirectory();
        string data = temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(data, trainCount: 40, testCount: 10, gzip: true, height: 5, width: 2);
        string run = Path.Combine(temp.Path, "run");
        CliHarness.Run("train", "--arch", "tanh", "--depth", "2", "--width", "6", "--epochs", "1", "--data", data, "--out", run)
            .ExpectSuccess();
        var spec = new RunDirectory(run).ReadConfig().Architecture;
        Assert.Equal(new DataShape(10, 10), spec.Shape);
        Assert.Equal((2, 6), (spec.LinearLayers, spec.Width));
    }

    [Fact]
    public void Resuming_on_data_of_another_shape_is_a_data_error()
    {
        using var temp = new TempDirectory();
        string data = temp.Subdirectory("data");
        IdxTestFiles.WriteDirectory(data, trainCount: 40, testCount: 10, gzip: true);
        string run = Path.Combine(temp.Path, "run");
        CliHarness.Run("train", "--arch", "relu", "--depth", "2", "--width", "6", "--epochs", "1", "--data", data, "--out", run)
            .ExpectSuccess();
        // The stored config names the data directory; replace its files by images of another size.
        IdxTestFiles.WriteDirectory(data, trainCount: 40, testCount: 10, gzip: true, height: 2, width: 2);
        var resumed = CliHarness.Run("train", "--resume", run, "--epochs", "2").ExpectExit(ExitCodes.DataError);
        Assert.Contains("12 inputs, 10 classes", resumed.Error);
        Assert.Contains("4 inputs, 10 classes", resumed.Error);
    }

    [Theory]
    [InlineData("--arch", "nonsense")]
    [InlineData("--depth", "0")]
    [InlineData("--width", "-3")]
    [InlineData("--residual-weight", "-1")]
    public void Bad_architecture_options_fail_before_the_data_is_read(string option, string value)
    {
        // The data directory does not exist: a data error would mean the options were checked too late.
        var args = new List<string> { "train", "--arch", "resnet-relu", "--data", "/nonexistent/gradscope-data" };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);
        var result = CliHarness.Run([.. args]).ExpectExit(ExitCodes.InvalidArguments);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Init_without_data_uses_the_fashion_mnist_shape_and_spec_defaults()
    {
        using var temp = new TempDirectory();
        string file = temp.File("net.safetensors");
        CliHarness.Run("init", "--arch", "relu", "--out", file).ExpectSuccess();
        var spec = Checkpoint.Load(file).Architecture;
        Assert.Equal(DataShape.FashionMnist, spec.Shape);
        Assert.Equal(NetworkSizes.Default, spec.Sizes);
    }
}
