using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Reproduction;

/// <summary>The cells' diagnostics: the library's <see cref="DiagnosticsRunner"/> and <see cref="TaylorExperiment"/>, unchanged.</summary>
public sealed class LibraryDiagnostics : IStudyDiagnostics
{
    public static readonly LibraryDiagnostics Instance = new();

    public string Name => "gradscope-diagnostics";

    public DiagnosticsReport Analyze(Network<float> network, ParameterSet<float> theta, ParameterSet<float>? theta0, Dataset sample,
        DiagnosticsOptions options) =>
        DiagnosticsRunner.Analyze(network.Spec, theta, theta0, sample.Inputs, sample.Labels, options);

    public TaylorResult Taylor(Network<float> network, ParameterSet<float> theta, ParameterSet<float> theta0, Dataset data,
        IReadOnlyList<int> replaced, TaylorSide side, CancellationToken cancel) =>
        TaylorExperiment.Run(network, theta, theta0, data.Inputs, data.Labels,
            new TaylorOptions { Counts = replaced, Side = side, Cancellation = cancel });
}
