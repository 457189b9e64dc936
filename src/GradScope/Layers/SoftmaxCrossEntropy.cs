using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Layers;

/// <summary>
/// The error layer: per-example loss ℓ_b = −log softmax(z_b)[y_b]. Its output is the loss
/// <em>vector</em> (B × 1), position 0 of the paper's notation; the training loss is its mean.
/// Backward: dz_b = dℓ_b · (softmax(z_b) − onehot(y_b)); stacked cotangents are allowed.
/// </summary>
public sealed class SoftmaxCrossEntropy<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public SoftmaxCrossEntropy(int classes) => Classes = classes;

    public int Classes { get; }

    /// <param name="logits">B × classes.</param>
    /// <param name="labels">B labels in [0, classes).</param>
    /// <param name="losses">Receives B × 1 per-example losses.</param>
    /// <param name="probabilities">Receives B × classes softmax output (the backward cache).</param>
    public void Forward(Matrix<T> logits, ReadOnlySpan<int> labels, Matrix<T> losses, Matrix<T> probabilities)
    {
        int batch = logits.Rows;
        if (labels.Length < batch) throw new ArgumentException($"{labels.Length} labels for a batch of {batch}.");
        losses.Resize(batch, 1);
        probabilities.Resize(batch, logits.Cols);
        for (int r = 0; r < batch; r++)
        {
            var z = logits.Row(r);
            var p = probabilities.Row(r);
            T max = z[0];
            for (int j = 1; j < z.Length; j++) if (z[j] > max) max = z[j];
            T sum = T.Zero;
            for (int j = 0; j < z.Length; j++)
            {
                p[j] = T.Exp(z[j] - max);
                sum += p[j];
            }
            for (int j = 0; j < z.Length; j++) p[j] /= sum;
            int label = labels[r];
            if ((uint)label >= (uint)Classes) throw new ArgumentException($"Label {label} is outside [0, {Classes}).");
            // log-sum-exp form: exact even when p[label] underflows to zero.
            losses[r, 0] = T.Log(sum) + max - z[label];
        }
    }

    /// <param name="dLosses">C·B × 1 cotangents of the loss vector.</param>
    /// <param name="dLogits">Receives C·B × classes.</param>
    public void Backward(Matrix<T> probabilities, ReadOnlySpan<int> labels, Matrix<T> dLosses, Matrix<T> dLogits)
    {
        int batch = probabilities.Rows;
        dLogits.Resize(dLosses.Rows, Classes);
        for (int row = 0; row < dLosses.Rows; row++)
        {
            int example = row % batch;
            T g = dLosses[row, 0];
            var p = probabilities.Row(example);
            var d = dLogits.Row(row);
            for (int j = 0; j < Classes; j++) d[j] = g * p[j];
            d[labels[example]] -= g;
        }
    }

    /// <summary>Number of rows whose arg-max differs from the label.</summary>
    public static int CountErrors(Matrix<T> scores, ReadOnlySpan<int> labels)
    {
        int errors = 0;
        for (int r = 0; r < scores.Rows; r++)
        {
            var row = scores.Row(r);
            int best = 0;
            for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
            if (best != labels[r]) errors++;
        }
        return errors;
    }
}
