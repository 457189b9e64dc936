using GradScope.Data;

namespace GradScope.Tests.Data;

/// <summary>
/// Loads the real Fashion-MNIST from Debian's dataset-fashion-mnist package when it is installed.
/// xunit 2 cannot skip at run time, so without the package this passes vacuously; with it, it
/// checks the full dataset strictly.
/// </summary>
public class FashionMnistSystemTests
{
    private const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public void Installed_fashion_mnist_has_60000_train_and_10000_test_images_of_784_pixels()
    {
        if (!IdxFileSet.Find(SystemDirectory).IsComplete) return;

        var location = DatasetLocator.Locate("fashion-mnist", null, null, DatasetLocator.SystemDatasetsRoot);
        var splits = location.Load();

        Assert.Equal(60000, splits.Train.Count);
        Assert.Equal(10000, splits.Test.Count);
        Assert.Equal(784, splits.Train.Features);
        Assert.Equal(784, splits.Test.Features);
        Assert.Equal(new ImageShape(1, 28, 28), splits.Train.ImageShape);
        // Fashion-MNIST is balanced: 6000 training and 1000 test images per class.
        Assert.All(splits.Train.Labels.CountBy(l => l), g => Assert.Equal(6000, g.Value));
        Assert.All(splits.Test.Labels.CountBy(l => l), g => Assert.Equal(1000, g.Value));
        float min = float.MaxValue, max = float.MinValue;
        foreach (float x in splits.Train.Inputs.Span)
        {
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
    }
}
