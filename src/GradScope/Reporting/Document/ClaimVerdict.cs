namespace GradScope.Reporting;

/// <summary>Outcome of checking one claim of the paper against our measurements.</summary>
public enum ClaimVerdict
{
    Holds,
    DoesNotHold,

    /// <summary>Not enough (or contradictory) evidence, e.g. because runs are still missing.</summary>
    Inconclusive,
}
