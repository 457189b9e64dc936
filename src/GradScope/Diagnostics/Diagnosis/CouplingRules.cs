namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// Batch-norm cross-example coupling: with batch statistics, one example's output depends on every other example in
/// the batch, so the Jacobian is not block-diagonal and GSC is measured on the whole batch (SPEC §2.2). Not a
/// pathology by itself, but it is how batch norm makes plain MLPs explode and why train- and eval-mode errors differ.
/// </summary>
public static class CouplingRules
{
    public static Finding? BatchCoupling(Measurements m)
    {
        if (!m.CouplesExamples) return null;
        var evidence = new List<string>
        {
            $"batch norm normalises with the statistics of the analysed batch of {m.BatchSize}: the Jacobian between positions " +
            "has cross-example terms, and GSC is computed on the whole-batch Jacobian",
            "training- and evaluation-mode errors can differ widely (running vs batch statistics)",
        };
        return new Finding(FindingKind.BatchCoupling, Severity.Info, Certainty.Clear,
            "Batch-norm coupling: each example's gradient depends on the rest of its batch.", evidence, [], 0);
    }
}
