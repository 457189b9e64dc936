using System.Buffers.Binary;
using GradScope.Data;

namespace GradScope.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Images_round_trip_scaled_to_unit_interval(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] raw = IdxTestFiles.Images(3, 4, 5);
        string path = dir.File(gzip ? "images.gz" : "images");
        File.WriteAllBytes(path, gzip ? IdxTestFiles.Gzip(raw) : raw);

        var images = IdxReader.ReadImages(path);

        Assert.Equal(3, images.Count);
        Assert.Equal(4, images.Height);
        Assert.Equal(5, images.Width);
        Assert.Equal(20, images.Pixels.Cols);
        for (int i = 0; i < 3; i++)
            for (int p = 0; p < 20; p++)
                Assert.Equal(raw[16 + i * 20 + p] / 255f, images.Pixels[i, p]);
    }

    [Fact]
    public void Extreme_pixels_map_to_zero_and_one()
    {
        using var dir = new TempDirectory();
        string path = dir.File("images");
        File.WriteAllBytes(path, IdxTestFiles.Images(1, 1, 2, (_, p) => p == 0 ? (byte)0 : (byte)255));
        var images = IdxReader.ReadImages(path);
        Assert.Equal(0f, images.Pixels[0, 0]);
        Assert.Equal(1f, images.Pixels[0, 1]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Directory_loads_both_splits(bool gzip)
    {
        using var dir = new TempDirectory();
        IdxTestFiles.WriteDirectory(dir.Path, trainCount: 12, testCount: 7, gzip);

        var splits = IdxReader.LoadDirectory(dir.Path, "tiny");

        Assert.Equal(12, splits.Train.Count);
        Assert.Equal(7, splits.Test.Count);
        Assert.Equal(12, splits.Train.Features);
        Assert.Equal(new ImageShape(1, 4, 3), splits.Train.ImageShape);
        Assert.Equal(10, splits.Train.Classes);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % 10), splits.Train.Labels);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (i * 3) % 10), splits.Test.Labels);
        Assert.Equal("tiny/train", splits.Train.Name);
    }

    [Fact]
    public void Directory_with_missing_file_names_it()
    {
        using var dir = new TempDirectory();
        IdxTestFiles.WriteDirectory(dir.Path, 3, 3, gzip: true);
        File.Delete(dir.File("t10k-labels-idx1-ubyte.gz"));
        var e = Assert.Throws<DatasetNotFoundException>(() => IdxReader.LoadDirectory(dir.Path, "tiny"));
        Assert.Contains("t10k-labels-idx1-ubyte", e.Message);
    }

    [Fact]
    public void Label_file_given_as_images_reports_wrong_magic()
    {
        using var dir = new TempDirectory();
        string path = dir.File("train-images-idx3-ubyte");
        File.WriteAllBytes(path, IdxTestFiles.Labels(1, 2, 3));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith("train-images-idx3-ubyte: bad magic number 0x00000801", e.Message);
        Assert.Contains("label file", e.Message);
    }

    [Fact]
    public void Garbage_magic_is_rejected_for_labels()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels");
        var bytes = IdxTestFiles.Labels(1, 2);
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0xDEADBEEF);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("0xDEADBEEF", e.Message);
    }

    [Fact]
    public void Truncated_raw_images_report_claim_and_bytes_present()
    {
        using var dir = new TempDirectory();
        string path = dir.File("train-images-idx3-ubyte");
        byte[] raw = IdxTestFiles.Images(5, 4, 3);
        File.WriteAllBytes(path, raw[..(16 + 50)]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal("train-images-idx3-ubyte: truncated: header says 5 images of 4×3 but only 50 bytes of pixel data", e.Message);
    }

    [Fact]
    public void Gzip_with_too_little_image_data_is_truncated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("train-images-idx3-ubyte.gz");
        byte[] raw = IdxTestFiles.Images(5, 4, 3);
        File.WriteAllBytes(path, IdxTestFiles.Gzip(raw[..(16 + 7)]));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal("train-images-idx3-ubyte.gz: truncated: header says 5 images of 4×3 but only 7 bytes of pixel data", e.Message);
    }

    [Fact]
    public void Cut_off_gzip_stream_is_a_data_format_error()
    {
        using var dir = new TempDirectory();
        string path = dir.File("train-images-idx3-ubyte.gz");
        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.Images(50, 8, 8));
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith("train-images-idx3-ubyte.gz: ", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_body_is_a_data_format_error()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels.gz");
        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.Labels(Enumerable.Range(0, 500).Select(i => i % 10).ToArray()));
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        File.WriteAllBytes(path, gz);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.StartsWith("labels.gz: ", e.Message);
    }

    [Fact]
    public void File_shorter_than_header_is_truncated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("images");
        File.WriteAllBytes(path, IdxTestFiles.Images(1, 2, 2)[..9]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal("images: truncated: 9 bytes, shorter than the 16-byte idx3 image header", e.Message);
    }

    [Fact]
    public void Extra_bytes_after_the_data_are_rejected()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels");
        File.WriteAllBytes(path, [.. IdxTestFiles.Labels(1, 2, 3), 4]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("more data", e.Message);
    }

    [Fact]
    public void Label_out_of_range_names_example()
    {
        using var dir = new TempDirectory();
        string path = dir.File("train-labels-idx1-ubyte");
        File.WriteAllBytes(path, IdxTestFiles.Labels(3, 9, 10, 1));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Equal("train-labels-idx1-ubyte: label 10 of example 2 is outside [0, 10)", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        using var dir = new TempDirectory();
        string images = dir.File("t10k-images-idx3-ubyte");
        string labels = dir.File("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(images, IdxTestFiles.Images(4, 2, 2));
        File.WriteAllBytes(labels, IdxTestFiles.Labels(1, 2, 3));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset("x", images, labels));
        Assert.Equal("t10k-labels-idx1-ubyte: 3 labels but t10k-images-idx3-ubyte has 4 images", e.Message);
    }

    [Fact]
    public void Huge_header_claim_in_small_gzip_fails_without_huge_allocation()
    {
        using var dir = new TempDirectory();
        string path = dir.File("images.gz");
        byte[] raw = IdxTestFiles.Images(2, 2, 2);
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(4), 1000);
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(8), 1000);
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(12), 1000);
        File.WriteAllBytes(path, IdxTestFiles.Gzip(raw));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith("images.gz: truncated: header says 1000 images of 1000×1000 but only 8 bytes", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 50_000_000);
    }

    [Fact]
    public void Zero_image_size_is_rejected()
    {
        using var dir = new TempDirectory();
        string path = dir.File("images");
        byte[] raw = IdxTestFiles.Images(2, 2, 2);
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(8), 0);
        File.WriteAllBytes(path, raw);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("implausible image size 0×2", e.Message);
    }

    [Fact]
    public void Missing_file_is_a_data_format_error()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(dir.File("nope.gz")));
        Assert.StartsWith("nope.gz: file not found", e.Message);
    }
}
