namespace GradScope.Reproduction;

/// <summary>The diagnostics implementation the reproduce command uses.</summary>
public static class StudyDiagnostics
{
    /// <summary>The library-backed implementation when available; otherwise measurements are recorded as missing.</summary>
    public static IStudyDiagnostics Default => UnavailableDiagnostics.Instance;
}
