using GradScope.Data;
using GradScope.Tensors;

namespace GradScope.Tests.Data;

public class DatasetTests
{
    internal static Dataset Numbered(int count, int features = 3, int classes = 10)
    {
        var inputs = new Matrix<float>(count, features);
        for (int r = 0; r < count; r++)
            for (int c = 0; c < features; c++)
                inputs[r, c] = r * 100 + c;
        return new Dataset("numbered", inputs, Enumerable.Range(0, count).Select(i => i % classes).ToArray(), classes);
    }

    [Fact]
    public void Take_keeps_the_first_examples()
    {
        var subset = Numbered(10).Take(4);
        Assert.Equal(4, subset.Count);
        Assert.Equal(new[] { 0, 1, 2, 3 }, subset.Labels);
        Assert.Equal(302f, subset.Inputs[3, 2]);
    }

    [Fact]
    public void Take_more_than_available_returns_everything()
    {
        var data = Numbered(5);
        Assert.Same(data, data.Take(50));
    }

    [Fact]
    public void Random_subset_is_seeded_distinct_and_in_original_order()
    {
        var data = Numbered(100);
        var a = data.RandomSubset(20, seed: 7);
        var b = data.RandomSubset(20, seed: 7);
        var c = data.RandomSubset(20, seed: 8);

        var rowsA = Enumerable.Range(0, 20).Select(i => (int)(a.Inputs[i, 0] / 100)).ToArray();
        var rowsB = Enumerable.Range(0, 20).Select(i => (int)(b.Inputs[i, 0] / 100)).ToArray();
        var rowsC = Enumerable.Range(0, 20).Select(i => (int)(c.Inputs[i, 0] / 100)).ToArray();
        Assert.Equal(rowsA, rowsB);
        Assert.NotEqual(rowsA, rowsC);
        Assert.Equal(20, rowsA.Distinct().Count());
        Assert.Equal(rowsA.Order(), rowsA);
        for (int i = 0; i < 20; i++) Assert.Equal(rowsA[i] % 10, a.Labels[i]);
    }

    [Fact]
    public void Labels_outside_the_classes_are_refused()
    {
        var inputs = new Matrix<float>(2, 1);
        Assert.Throws<ArgumentException>(() => new Dataset("bad", inputs, [0, 3], classes: 3));
        Assert.Throws<ArgumentException>(() => new Dataset("bad", inputs, [0], classes: 3));
    }
}
