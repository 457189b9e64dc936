namespace GradScope.Diagnostics;

/// <summary>Collapsing-domain statistics of one nonlinearity (SPEC §2.3), as stored in a <see cref="DiagnosticsReport"/>.</summary>
public sealed record CollapseRecord(
    int Position, string Block, string Layer, string Activation, int LinearLayersFromOutput, int Units,
    double PreActivationStdMean, double PreActivationStdMin, double SignDiversityMean, double PseudoLinearityMean);

/// <summary>
/// Collapse statistics of one block position (<see cref="DiagnosticsReport.CollapseByPosition"/>): the means over the
/// position's nonlinearities, and the minimum of their minimum pre-activation standard deviations.
/// </summary>
public sealed record PositionCollapse(
    int Position, double PreActivationStd, double PreActivationStdMin, double SignDiversity, double PseudoLinearity);
