namespace GradScope.Reproduction;

/// <summary>The diagnostics implementation the reproduce command uses.</summary>
public static class StudyDiagnostics
{
    /// <summary>The diagnostics library (src/GradScope/Diagnostics).</summary>
    public static IStudyDiagnostics Default => LibraryDiagnostics.Instance;
}
