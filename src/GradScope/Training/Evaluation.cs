using GradScope.Data;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Training;

/// <summary>Mean loss and error rate of a network on a dataset.</summary>
public readonly record struct EvaluationResult(double Loss, double Error, int Count);

public static class Evaluation
{
    /// <summary>Evaluates in chunks of <paramref name="batchSize"/> rows (evaluation mode: batch norm uses running statistics).</summary>
    public static EvaluationResult Evaluate(Network<float> network, ParameterSet<float> theta, Dataset data,
        ForwardMode mode = ForwardMode.Eval, int batchSize = 1000, Tape<float>? tape = null)
    {
        tape ??= network.CreateTape();
        var batch = new Matrix<float>(0, 0);
        double lossSum = 0;
        long errors = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, data.Count - start);
            batch.Resize(rows, data.Features);
            data.Inputs.Span.Slice(start * data.Features, rows * data.Features).CopyTo(batch.Span);
            var labels = data.Labels.AsSpan(start, rows);
            lossSum += network.Forward(theta, batch, labels, tape, mode) * rows;
            errors += SoftmaxCrossEntropy<float>.CountErrors(tape.Logits, labels);
        }
        return data.Count == 0 ? new(double.NaN, double.NaN, 0) : new(lossSum / data.Count, (double)errors / data.Count, data.Count);
    }
}
