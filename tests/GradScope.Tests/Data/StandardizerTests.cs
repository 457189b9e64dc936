using GradScope.Data;
using GradScope.Tensors;

namespace GradScope.Tests.Data;

public class StandardizerTests
{
    private static Matrix<float> Training() => Matrix<float>.FromRows(
    [
        [1f, 5f, 10f],
        [3f, 5f, 20f],
        [5f, 5f, 30f],
        [7f, 5f, 40f],
    ]);

    [Fact]
    public void Fit_gives_population_mean_and_std_with_unit_scale_for_constant_features()
    {
        var s = Standardizer.Fit(Training());
        Assert.Equal(new[] { 4f, 5f, 25f }, s.Mean);
        Assert.Equal(MathF.Sqrt(5f), s.Scale[0], 6);
        Assert.Equal(1f, s.Scale[1]);
        Assert.Equal(MathF.Sqrt(125f), s.Scale[2], 5);
    }

    [Fact]
    public void Transformed_training_features_have_zero_mean_unit_std_or_are_centred()
    {
        var m = Training();
        Standardizer.Fit(m).TransformInPlace(m);
        for (int c = 0; c < 3; c++)
        {
            var column = Enumerable.Range(0, 4).Select(r => (double)m[r, c]).ToArray();
            double mean = column.Average();
            double std = Math.Sqrt(column.Select(x => (x - mean) * (x - mean)).Average());
            Assert.Equal(0, mean, 6);
            Assert.Equal(c == 1 ? 0 : 1, std, 5);
        }
    }

    [Fact]
    public void Test_split_uses_training_statistics()
    {
        var train = new Dataset("train", Training(), [0, 1, 2, 3], 4);
        var test = new Dataset("test", Matrix<float>.FromRows([[4f, 6f, 25f]]), [1], 4);
        var (splits, s) = Standardizer.FitTransform(new DatasetSplits(train, test));
        Assert.Equal(0f, splits.Test.Inputs[0, 0]);
        Assert.Equal(1f, splits.Test.Inputs[0, 1]);
        Assert.Equal(0f, splits.Test.Inputs[0, 2]);
        Assert.Equal(1f, train.Inputs[0, 0]); // the original is untouched
        Assert.Equal(3, s.Features);
    }

    [Fact]
    public void Restores_from_plain_arrays_and_validates_them()
    {
        var fitted = Standardizer.Fit(Training());
        var restored = new Standardizer(fitted.Mean.ToArray(), fitted.Scale.ToArray());
        var a = Training();
        var b = Training();
        fitted.TransformInPlace(a);
        restored.TransformInPlace(b);
        Assert.Equal(a.Span.ToArray(), b.Span.ToArray());

        Assert.Throws<ArgumentException>(() => new Standardizer([0f, 0f], [1f]));
        Assert.Throws<ArgumentException>(() => new Standardizer([0f], [0f]));
        Assert.Throws<ArgumentException>(() => fitted.TransformInPlace(new Matrix<float>(2, 5)));
    }
}
