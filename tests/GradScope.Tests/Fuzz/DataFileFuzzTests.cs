using CsCheck;
using GradScope.Cli;
using GradScope.Data;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;

namespace GradScope.Tests.Fuzz;

/// <summary>Hostile idx (raw and gzip) and CIFAR-10 files against the dataset readers and <c>train</c>.</summary>
public sealed class DataFileFuzzTests
{
    private static readonly string[] IdxFiles =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private static readonly string[] CifarFiles =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];

    /// <summary>Which file to damage, whether the set is gzip-compressed, and the edits.</summary>
    private static readonly Gen<(int File, bool Gzip, Mutation[] Edits)> IdxCase =
        Gen.Select(Gen.Int[0, 3], Gen.Bool, Mutation.Any.Array[1, 2]);

    [Fact]
    public void Hostile_idx_files_load_or_fail_with_one_data_error()
    {
        IdxCase.Sample(c =>
        {
            using var dir = new TempDirectory();
            WriteIdx(dir.Path, c);
            LoadOrRefuse("fashion-mnist", dir.Path);
        }, iter: FuzzBudget.Iterations(250), threads: 1);
    }

    [Fact]
    public void Hostile_cifar_files_load_or_fail_with_one_data_error()
    {
        Gen.Select(Gen.Int[0, 5], Mutation.Any.Array[1, 2]).Sample((file, edits) =>
        {
            using var dir = new TempDirectory();
            CifarTestFiles.WriteDirectory(dir.Path);
            string path = Path.Combine(dir.Path, CifarFiles[file]);
            File.WriteAllBytes(path, edits.Aggregate(File.ReadAllBytes(path), (b, m) => m.Apply(b)));
            LoadOrRefuse("cifar10", dir.Path);
        }, iter: FuzzBudget.Iterations(60), threads: 1);
    }

    [Fact]
    public void Train_on_hostile_idx_files_exits_with_a_documented_code_and_leaves_no_run_behind()
    {
        IdxCase.Sample(c =>
        {
            using var dir = new TempDirectory();
            string data = dir.Subdirectory("data");
            WriteIdx(data, c);
            string run = Path.Combine(dir.Path, "run");
            var result = CliHarness.Run("train", "--arch", "relu", "--depth", "2", "--width", "3", "--epochs", "1", "--batch", "8",
                "--data", data, "--out", run);
            Assert.Contains(result.ExitCode, CliAssert.Documented);
            if (result.ExitCode == ExitCodes.Success) return;
            CliAssert.OneLine(result);
            Assert.False(Directory.Exists(run), "a failed run left its directory behind");
        }, iter: FuzzBudget.Iterations(80), threads: 1);
    }

    private static void WriteIdx(string directory, (int File, bool Gzip, Mutation[] Edits) c)
    {
        IdxTestFiles.WriteDirectory(directory, trainCount: 24, testCount: 6, gzip: false);
        string path = Path.Combine(directory, IdxFiles[c.File]);
        byte[] bytes = c.Edits.Aggregate(File.ReadAllBytes(path), (b, m) => m.Apply(b));
        File.WriteAllBytes(path, bytes);
        if (!c.Gzip) return;
        foreach (string name in IdxFiles)
        {
            string raw = Path.Combine(directory, name);
            File.WriteAllBytes(raw + ".gz", IdxTestFiles.Gzip(File.ReadAllBytes(raw)));
            File.Delete(raw);
        }
    }

    private static void LoadOrRefuse(string dataset, string directory)
    {
        try
        {
            var splits = DatasetLocator.Locate(dataset, directory, null, "/nonexistent").Load();
            Assert.All(splits.Train.Labels, l => Assert.InRange(l, 0, splits.Train.Classes - 1));
        }
        catch (DataFormatException e)
        {
            Assert.DoesNotContain('\n', e.Message);
        }
    }
}
