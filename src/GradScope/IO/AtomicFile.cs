using System.Text;

namespace GradScope.IO;

/// <summary>
/// Replaces a file all at once: the content is written to a temporary file in the same directory,
/// flushed to disk, then renamed over the target. A crash mid-write leaves either the old file or
/// the new one, never a torn checkpoint (rename within one file system is atomic on POSIX, and
/// File.Move with overwrite maps to it).
/// </summary>
public static class AtomicFile
{
    /// <summary>Marks temporary files so a crash's leftovers are recognisable.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Writes whatever <paramref name="write"/> puts into the stream, then atomically replaces <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        RefuseDirectory(path);
        // Same directory as the target: a rename across file systems would be a copy, not atomic.
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            // The user named the target, not our temporary file: say which file could not be written and why.
            string reason = e switch
            {
                UnauthorizedAccessException => "permission denied",
                FileNotFoundException or DirectoryNotFoundException => $"{directory} does not accept new files",
                _ => e.Message.Replace(temp, full, StringComparison.Ordinal),
            };
            throw new IOException($"cannot write {path}: {reason}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A directory where a file is to be written is refused before any work: the rename would fail only after the whole
    /// file (or the analysis that makes it) was done, with "Is a directory : '…'".
    /// </summary>
    public static void RefuseDirectory(string path)
    {
        if (Directory.Exists(Path.GetFullPath(path))) throw new IOException($"{path} is a directory; give a file name to write.");
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes UTF-8 without a byte-order mark (what JSON tools expect).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(Utf8NoBom.GetBytes(text)));

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temp file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
