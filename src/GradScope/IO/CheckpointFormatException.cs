namespace GradScope.IO;

/// <summary>
/// A checkpoint or array file (safetensors, npy) is missing, truncated or malformed. The message is
/// one line naming the file and what is wrong.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string message) : base(OneLine(message)) { }

    public CheckpointFormatException(string message, Exception inner) : base(OneLine(message), inner) { }

    /// <summary>
    /// Control characters escaped (<c>\n</c>, <c>\x00</c>): messages quote text from hostile files, and an error is
    /// always exactly one line.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

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
