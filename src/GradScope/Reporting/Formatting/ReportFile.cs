using System.Text;

namespace GradScope.Reporting;

/// <summary>
/// Writes via a temporary file in the target directory and a rename, so a crash or a concurrent
/// reader (e.g. a browser refreshing the report while a study runs) never sees a half-written file.
/// Deliberately tiny and internal: a shared GradScope.IO.AtomicFile is expected to replace it.
/// </summary>
internal static class ReportFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string content)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, content, Utf8NoBom);
            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
