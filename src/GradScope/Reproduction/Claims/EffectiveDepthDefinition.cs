namespace GradScope.Reproduction;

/// <summary>
/// Which effective depth the claims judge on, stated once for every criterion that uses it. The SPEC's λ-share definition
/// (§2.5) measures how far the blocks' Jacobians moved when the λ-groups cancel; the gradient-truncation definition
/// (<see cref="GradScope.Diagnostics.GradientTruncation"/>) agrees better with the Taylor experiment (Spearman with the
/// onset 0.62–0.64 against 0.46–0.48 over 36 trained nets, docs/faithfulness.md §4.5), so the claims use it and show the
/// SPEC's value beside it.
/// </summary>
public static class EffectiveDepthDefinition
{
    public const string Note = "departure from SPEC §2.5: the smallest d with ‖Σ_{λ>d} g_λ‖ ≤ τ‖Σ_λ g_λ‖, which tracks the " +
        "Taylor experiment better than the SPEC's λ-share (docs/faithfulness.md §4); the SPEC's value is shown beside it";
}
