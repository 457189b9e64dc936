namespace GradScope.IO;

/// <summary>
/// A checkpoint or array file (safetensors, npy) is missing, truncated or malformed. The message is
/// one line naming the file and what is wrong.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string message) : base(message) { }

    public CheckpointFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>"file-name: problem".</summary>
    public static CheckpointFormatException InFile(string path, string problem, Exception? inner = null)
    {
        string message = $"{Path.GetFileName(path)}: {problem}";
        return inner is null ? new CheckpointFormatException(message) : new CheckpointFormatException(message, inner);
    }

    /// <summary>Reads a whole file, turning a missing or unreadable file into this exception.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw InFile(path, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InFile(path, $"cannot read: {e.Message}", e);
        }
    }
}
