using GradScope.IO;
using GradScope.Tests.Data;

namespace GradScope.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Writes_new_file_and_replaces_old_content_leaving_no_temp_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("config.json");

        AtomicFile.WriteAllText(path, "{\"a\": 1}");
        Assert.Equal("{\"a\": 1}", File.ReadAllText(path));

        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));

        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Text_is_utf8_without_bom()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.txt");
        AtomicFile.WriteAllText(path, "σ×");
        Assert.Equal(new byte[] { 0xCF, 0x83, 0xC3, 0x97 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void Failed_write_keeps_old_content_and_removes_temp_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial"u8);
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Creates_missing_directories()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "runs", "a", "metrics.json");
        AtomicFile.WriteAllText(path, "[]");
        Assert.Equal("[]", File.ReadAllText(path));
    }
}
