namespace GradScope.Data;

/// <summary>
/// A data file or directory is missing, truncated or malformed. The message is one line that names
/// the file and what is wrong with it, so the command line can print it as is.
/// </summary>
public class DataFormatException : Exception
{
    // Messages quote names from hostile files (an ONNX node called "a\nb"): control characters are escaped, so an
    // error stays one line.
    public DataFormatException(string message) : base(IO.CheckpointFormatException.OneLine(message)) { }

    public DataFormatException(string message, Exception inner) : base(IO.CheckpointFormatException.OneLine(message), inner) { }

    /// <summary>"file-name: problem" — the file name alone keeps the message on one readable line.</summary>
    public static DataFormatException InFile(string path, string problem, Exception? inner = null)
    {
        string message = $"{Path.GetFileName(path)}: {problem}";
        return inner is null ? new DataFormatException(message) : new DataFormatException(message, inner);
    }
}
