using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Reproduction;

/// <summary>
/// How a cell measures a network: the diagnostics library (<see cref="LibraryDiagnostics"/>) or, in sweep tests, a fast
/// deterministic fake. Both return the library's own result types, which the cells store unchanged.
/// </summary>
public interface IStudyDiagnostics
{
    /// <summary>Short name recorded in the plan and the report (which implementation produced the numbers).</summary>
    string Name { get; }

    /// <summary>Measures one network state on one batch; the residual trick needs θ⁰ (null: skipped).</summary>
    DiagnosticsReport Analyze(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample,
        DiagnosticsOptions options);

    /// <summary>
    /// Taylor experiment (SPEC §2.6): training error with the m blocks nearest <paramref name="side"/> expanded, for each m in
    /// <paramref name="replaced"/>; stops with <see cref="OperationCanceledException"/> soon after <paramref name="cancel"/> fires.
    /// </summary>
    TaylorResult Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data,
        IReadOnlyList<int> replaced, TaylorSide side, CancellationToken cancel);
}
