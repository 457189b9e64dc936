using GradScope.Data;

namespace GradScope.Onnx;

/// <summary>
/// An ONNX model cannot be imported: the file is corrupt or hostile, or the graph uses something GradScope does not
/// support. The message is one line naming the file, and where it applies the node and its op type, so the command
/// line can print it as is (exit code 3, like every other unreadable input file).
/// </summary>
public sealed class OnnxImportException : DataFormatException
{
    public OnnxImportException(string message) : base(message) { }

    public OnnxImportException(string message, Exception inner) : base(message, inner) { }

    public static new OnnxImportException InFile(string path, string problem, Exception? inner = null)
    {
        string message = $"{Path.GetFileName(path)}: {problem}";
        return inner is null ? new OnnxImportException(message) : new OnnxImportException(message, inner);
    }
}
