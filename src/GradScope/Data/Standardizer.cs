using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>
/// Per-feature standardisation x' = (x − mean) / scale, fitted on the training split and applied
/// unchanged to every split. Scale is the population standard deviation, or 1 for a feature that is
/// constant in the training data (e.g. MNIST's always-black border pixels): such a feature is only
/// centred, since dividing by zero would turn it into NaN.
/// </summary>
public sealed class Standardizer
{
    /// <summary>Restores a fitted standardiser, e.g. from a checkpoint.</summary>
    public Standardizer(float[] mean, float[] scale)
    {
        if (mean.Length != scale.Length)
            throw new ArgumentException($"Standardizer: {mean.Length} means but {scale.Length} scales.");
        for (int j = 0; j < scale.Length; j++)
        {
            if (!float.IsFinite(mean[j]) || !float.IsFinite(scale[j]) || scale[j] <= 0)
                throw new ArgumentException(
                    $"Standardizer: feature {j} has mean {mean[j]} and scale {scale[j]}; need finite values and scale > 0.");
        }
        Mean = mean;
        Scale = scale;
    }

    /// <summary>Per-feature training mean.</summary>
    public float[] Mean { get; }

    /// <summary>Per-feature divisor: the training standard deviation, or 1 where that is zero.</summary>
    public float[] Scale { get; }

    public int Features => Mean.Length;

    /// <summary>Fits on <paramref name="inputs"/> (N × d); sums run in double so 60 000 rows lose no precision.</summary>
    public static Standardizer Fit(Matrix<float> inputs)
    {
        if (inputs.Rows == 0) throw new ArgumentException("Standardizer: cannot fit on zero examples.");
        int d = inputs.Cols;
        var sum = new double[d];
        for (int r = 0; r < inputs.Rows; r++)
        {
            var row = inputs.Row(r);
            for (int j = 0; j < d; j++) sum[j] += row[j];
        }
        var mean = new double[d];
        for (int j = 0; j < d; j++) mean[j] = sum[j] / inputs.Rows;

        // Two passes (mean, then squared deviations) so a constant feature gets exactly zero variance.
        var squares = new double[d];
        for (int r = 0; r < inputs.Rows; r++)
        {
            var row = inputs.Row(r);
            for (int j = 0; j < d; j++)
            {
                double deviation = row[j] - mean[j];
                squares[j] += deviation * deviation;
            }
        }
        var meanOut = new float[d];
        var scaleOut = new float[d];
        for (int j = 0; j < d; j++)
        {
            double std = Math.Sqrt(squares[j] / inputs.Rows);
            meanOut[j] = (float)mean[j];
            scaleOut[j] = std > 0 && (float)std > 0 ? (float)std : 1f;
        }
        return new Standardizer(meanOut, scaleOut);
    }

    public static Standardizer Fit(Dataset training) => Fit(training.Inputs);

    /// <summary>Standardises <paramref name="inputs"/> in place.</summary>
    public void TransformInPlace(Matrix<float> inputs)
    {
        if (inputs.Cols != Features)
            throw new ArgumentException($"Standardizer fitted on {Features} features cannot transform {inputs.Cols}.");
        for (int r = 0; r < inputs.Rows; r++)
        {
            var row = inputs.Row(r);
            for (int j = 0; j < row.Length; j++) row[j] = (row[j] - Mean[j]) / Scale[j];
        }
    }

    /// <summary>A standardised copy of <paramref name="data"/>; the original is left untouched.</summary>
    public Dataset Transform(Dataset data)
    {
        var inputs = data.Inputs.Clone();
        TransformInPlace(inputs);
        return new Dataset(data.Name, inputs, data.Labels, data.Classes, data.ImageShape);
    }

    /// <summary>Fits on the training split and standardises both splits with it.</summary>
    public static (DatasetSplits Splits, Standardizer Standardizer) FitTransform(DatasetSplits splits)
    {
        var standardizer = Fit(splits.Train);
        return (new DatasetSplits(standardizer.Transform(splits.Train), standardizer.Transform(splits.Test)), standardizer);
    }
}
