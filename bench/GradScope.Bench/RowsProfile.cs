using System.Diagnostics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Bench;

/// <summary>
/// `-- rows [rows] [width] [repeats]`: layer norm's row passes of a training step on one thread, float: the fused forward
/// (bias, statistics, normalisation and relu, <see cref="LayerNorm{T}.ForwardRowsFused"/>) and the backward (parameter
/// gradients and input gradient, <see cref="LayerNorm{T}.BackwardRows"/>) of one slice, in ns per row. The row passes of
/// layer-relu cost as much as its products at width 100; this times them without the products and the pool around them.
/// </summary>
public static class RowsProfile
{
    public static void Run(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0]) : 500;
        int width = args.Length > 1 ? int.Parse(args[1]) : 100;
        int repeats = args.Length > 2 ? int.Parse(args[2]) : 2000;
        var layout = new ParameterLayout();
        var norm = new LayerNorm<float>("norm", width, layout);
        var relu = ActivationFactory.Create<float>(ActivationKind.Relu, "act", width);
        var theta = new ParameterSet<float>(layout);
        var grads = new ParameterSet<float>(layout);
        var rng = new Rng(1);
        foreach (ref var g in theta[norm.GainIndex].Span) g = 1 + 0.1f * (float)rng.NextGaussian();
        foreach (ref var b in theta[norm.BiasIndex].Span) b = 0.1f * (float)rng.NextGaussian();
        var source = new float[rows * width];
        foreach (ref var v in source.AsSpan()) v = (float)rng.NextGaussian();
        var bias = new float[width];
        foreach (ref var v in bias.AsSpan()) v = 0.1f * (float)rng.NextGaussian();
        var x = new float[rows * width];
        var y = new float[rows * width];
        var dy = new float[rows * width];
        var dx = new float[rows * width];
        foreach (ref var v in dy.AsSpan()) v = (float)rng.NextGaussian();
        var cache = norm.CreateCache();
        norm.PrepareRows(cache, rows);
        cache.Mode = ForwardMode.Train;

        var copy = new double[repeats];
        var forward = new double[repeats];
        var backward = new double[repeats];
        for (int i = -100; i < repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            source.CopyTo(x, 0);
            long t1 = Stopwatch.GetTimestamp();
            norm.ForwardRowsFused(theta, x, bias, y, rows, cache, 0, relu);
            long t2 = Stopwatch.GetTimestamp();
            norm.BackwardRows(theta, x, y, dy, dx, rows, grads, overwrite: true, cache, 0);
            long t3 = Stopwatch.GetTimestamp();
            if (i < 0) continue;
            copy[i] = Stopwatch.GetElapsedTime(t0, t1).TotalNanoseconds / rows;
            forward[i] = Stopwatch.GetElapsedTime(t1, t2).TotalNanoseconds / rows;
            backward[i] = Stopwatch.GetElapsedTime(t2, t3).TotalNanoseconds / rows;
        }
        // The two widened row reductions of the forward alone, a group of RowGroup rows at a time as the forward calls them.
        int group = RowReductions.RowGroup;
        var sums = new double[group];
        var means = new double[group];
        var rowSums = new double[repeats];
        var rowDeviations = new double[repeats];
        for (int i = -100; i < repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int r = 0; r < rows; r += group)
            {
                int n = Math.Min(group, rows - r);
                RowReductions.SumsWidened<float>(x.AsSpan(r * width, n * width), width, sums.AsSpan(0, n));
            }
            long t1 = Stopwatch.GetTimestamp();
            for (int r = 0; r < rows; r += group)
            {
                int n = Math.Min(group, rows - r);
                RowReductions.SumSquaredDeviationsWidened<float>(x.AsSpan(r * width, n * width), width, means, sums.AsSpan(0, n));
            }
            long t2 = Stopwatch.GetTimestamp();
            if (i < 0) continue;
            rowSums[i] = Stopwatch.GetElapsedTime(t0, t1).TotalNanoseconds / rows;
            rowDeviations[i] = Stopwatch.GetElapsedTime(t1, t2).TotalNanoseconds / rows;
        }
        Print("sums", rowSums);
        Print("deviations", rowDeviations);
        Console.WriteLine($"layer norm → relu, {rows} rows × {width}, {repeats} repeats, tier {TierSelection.Vector}");
        Print("input copy", copy);
        Print("forward", forward);
        Print("backward", backward);
    }

    private static void Print(string name, double[] nsPerRow)
    {
        var sorted = nsPerRow.Order().ToArray();
        Console.WriteLine($"  {name,-10} best {sorted[0],7:F1} ns/row  p10 {sorted[sorted.Length / 10],7:F1}  " +
                          $"median {sorted[sorted.Length / 2],7:F1}");
    }
}
