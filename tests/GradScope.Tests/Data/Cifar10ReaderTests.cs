using GradScope.Data;

namespace GradScope.Tests.Data;

public class Cifar10ReaderTests
{
    [Fact]
    public void Batch_reads_labels_and_scaled_channel_major_pixels()
    {
        using var dir = new TempDirectory();
        string path = dir.File("data_batch_1.bin");
        File.WriteAllBytes(path, CifarTestFiles.Batch(3, 9));

        var data = Cifar10Reader.ReadBatch(path);

        Assert.Equal(2, data.Count);
        Assert.Equal(3072, data.Features);
        Assert.Equal(new[] { 3, 9 }, data.Labels);
        Assert.Equal(new ImageShape(3, 32, 32), data.ImageShape);
        Assert.Equal(0f, data.Inputs[0, 0]);
        Assert.Equal(5 / 255f, data.Inputs[0, 5]);
        Assert.Equal(((1 + 3000) % 256) / 255f, data.Inputs[1, 3000]);
    }

    [Fact]
    public void Directory_concatenates_training_batches_in_order()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteDirectory(dir.Path);

        var splits = Cifar10Reader.LoadDirectory(dir.Path);

        Assert.Equal(10, splits.Train.Count);
        Assert.Equal(Enumerable.Range(0, 10), splits.Train.Labels);
        Assert.Equal(new[] { 7, 8, 9 }, splits.Test.Labels);
        // Record 1 of batch 3 is row 5: its pixel 0 is (1 + 0) / 255.
        Assert.Equal(1 / 255f, splits.Train.Inputs[5, 0]);
        Assert.Equal("cifar10/train", splits.Train.Name);
    }

    [Fact]
    public void Archive_subdirectory_is_found_from_its_parent()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteDirectory(dir.Subdirectory("cifar-10-batches-bin"));
        var splits = Cifar10Reader.LoadDirectory(dir.Path);
        Assert.Equal(10, splits.Train.Count);
    }

    [Fact]
    public void Length_not_a_multiple_of_the_record_is_rejected()
    {
        using var dir = new TempDirectory();
        string path = dir.File("data_batch_2.bin");
        File.WriteAllBytes(path, CifarTestFiles.Batch(1, 2)[..5000]);
        var e = Assert.Throws<DataFormatException>(() => Cifar10Reader.ReadBatch(path));
        Assert.StartsWith("data_batch_2.bin: length 5000 bytes is not a multiple of the 3073-byte record", e.Message);
    }

    [Fact]
    public void Empty_file_is_rejected()
    {
        using var dir = new TempDirectory();
        string path = dir.File("test_batch.bin");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<DataFormatException>(() => Cifar10Reader.ReadBatch(path));
        Assert.Equal("test_batch.bin: empty file", e.Message);
    }

    [Fact]
    public void Label_out_of_range_names_record()
    {
        using var dir = new TempDirectory();
        string path = dir.File("test_batch.bin");
        File.WriteAllBytes(path, CifarTestFiles.Batch(1, 2, 11));
        var e = Assert.Throws<DataFormatException>(() => Cifar10Reader.ReadBatch(path));
        Assert.Equal("test_batch.bin: label 11 of record 2 is outside [0, 10)", e.Message);
    }

    [Fact]
    public void Missing_files_are_listed_with_how_to_get_them()
    {
        using var dir = new TempDirectory();
        CifarTestFiles.WriteDirectory(dir.Path);
        File.Delete(dir.File("data_batch_4.bin"));
        File.Delete(dir.File("test_batch.bin"));
        var e = Assert.Throws<DatasetNotFoundException>(() => Cifar10Reader.LoadDirectory(dir.Path));
        Assert.Contains("data_batch_4.bin, test_batch.bin", e.Message);
        Assert.Contains("--data DIR", e.Message);
    }
}
