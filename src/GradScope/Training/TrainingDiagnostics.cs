using GradScope.Diagnostics;

namespace GradScope.Training;

/// <summary>The <c>--diagnose-every</c> hook: the paper's metrics of the current network on a fixed training sample.</summary>
public static class TrainingDiagnostics
{
    /// <summary>Null when the configuration asks for no diagnostics.</summary>
    public static EpochDiagnostics? Create(TrainingConfig config, DiagnosticsOptions? options = null)
    {
        if (config.DiagnoseEvery <= 0) return null;
        return (network, theta, theta0, sample, epoch) =>
            DiagnosticsRunner.Analyze(network.Spec, theta, theta0, sample.Inputs, sample.Labels,
                (options ?? new DiagnosticsOptions()) with { Seed = config.Seed, Epoch = epoch });
    }
}
