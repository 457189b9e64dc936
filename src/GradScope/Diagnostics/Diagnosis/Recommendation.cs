using GradScope.Networks;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>A concrete network to try instead, built and measured by <see cref="WhatIf"/>.</summary>
/// <param name="Label">Short name in the what-if table, e.g. "looks-linear init".</param>
/// <param name="Spec">The zoo spec, already at the original's parameter budget.</param>
/// <param name="TargetDilution">For residual alternatives: the k the residual weight should reach (w_r is tuned by measurement).</param>
public sealed record Alternative(string Label, ArchitectureSpec Spec, double? TargetDilution = null);

/// <summary>What to try, because of which finding, and the mechanism from the paper that makes it work.</summary>
public sealed record Recommendation(FindingKind Because, string Action, string Mechanism, IReadOnlyList<Alternative> Alternatives);
