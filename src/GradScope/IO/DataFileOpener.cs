namespace GradScope.IO;

/// <summary>
/// Opens a checkpoint or array file for streaming, turning every way a path can be wrong (missing, a directory, a
/// device such as /dev/zero, unreadable) into one <see cref="CheckpointFormatException"/> line naming the file.
/// </summary>
internal static class DataFileOpener
{
    public static FileStream Open(string path)
    {
        if (Directory.Exists(path)) throw CheckpointFormatException.InFile(path, "is a directory, expected a file");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CheckpointFormatException.InFile(path, "file not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw CheckpointFormatException.InFile(path, "permission denied", e);
        }
        catch (IOException e)
        {
            throw CheckpointFormatException.InFile(path, $"cannot read: {e.Message}", e);
        }
        // Pipes have no length to validate a header against. Devices such as /dev/zero report length 0, and nothing
        // is ever read past the reported length, so they fail as truncated instead of filling memory.
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw CheckpointFormatException.InFile(path, "not a regular file (a pipe or socket cannot be read)");
        }
        return stream;
    }
}
