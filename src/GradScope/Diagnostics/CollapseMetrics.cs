using System.Numerics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>Collapsing-domain statistics of one pre-activation matrix Z (B × d) (SPEC §2.3).</summary>
/// <param name="PreActivationStdMean">Mean over units of the per-unit standard deviation across the batch (population, divisor B).</param>
/// <param name="PreActivationStdMin">Minimum over units of that standard deviation.</param>
/// <param name="SignDiversityMean">Mean over units of min(P, N)/(P + N) (0 when a unit has no nonzero value), in [0, 0.5].</param>
/// <param name="PseudoLinearityMean">Mean over units of 1 − R² of the best affine fit of act(z) on z (0 when z or act(z) is
/// constant).</param>
public sealed record UnitStatistics(int Units, double PreActivationStdMean, double PreActivationStdMin, double SignDiversityMean,
    double PseudoLinearityMean);

/// <summary>Collapse statistics of one nonlinearity of a network.</summary>
/// <param name="Position">Position of the block that holds the nonlinearity.</param>
/// <param name="LinearLayersFromOutput">Linear layers between this nonlinearity's output and the loss, output layer included.</param>
public sealed record CollapseEntry(int Position, string Block, string Layer, string Activation, int LinearLayersFromOutput,
    UnitStatistics Statistics);

public static class CollapseMetrics
{
    /// <summary>Statistics of the pre-activations <paramref name="z"/> of the element-wise <paramref name="activation"/>.</summary>
    public static UnitStatistics Compute<T>(Layer<T> activation, ParameterSet<T> theta, Matrix<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Compute(activation, theta, z, new Matrix<T>(z.Rows, z.Cols));

    /// <summary>As <see cref="Compute{T}(Layer{T}, ParameterSet{T}, Matrix{T})"/>, with act(z) formed in
    /// <paramref name="scratch"/> (resized as needed).</summary>
    private static UnitStatistics Compute<T>(Layer<T> activation, ParameterSet<T> theta, Matrix<T> z, Matrix<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!activation.IsNonlinearity) throw new ArgumentException($"{activation.Describe()} is not an element-wise nonlinearity.");
        activation.Forward(theta, z, scratch, activation.CreateCache(), ForwardMode.Analyze);
        return Compute(z, scratch);
    }

    /// <summary>Statistics from pre-activations <paramref name="z"/> and the activations a = act(z) (both B × d), in double.</summary>
    public static UnitStatistics Compute<T>(Matrix<T> z, Matrix<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = z.Rows, dim = z.Cols;
        if (a.Rows != batch || a.Cols != dim) throw new ArgumentException("Pre-activations and activations differ in shape.");
        if (batch == 0 || dim == 0) return new UnitStatistics(dim, double.NaN, double.NaN, double.NaN, double.NaN);
        var meanZ = new double[dim]; var meanA = new double[dim];
        var pos = new int[dim]; var neg = new int[dim];
        for (int r = 0; r < batch; r++)
        {
            var zr = z.Row(r); var ar = a.Row(r);
            for (int j = 0; j < dim; j++)
            {
                double v = double.CreateTruncating(zr[j]);
                meanZ[j] += v;
                meanA[j] += double.CreateTruncating(ar[j]);
                if (v > 0) pos[j]++; else if (v < 0) neg[j]++;
            }
        }
        for (int j = 0; j < dim; j++) { meanZ[j] /= batch; meanA[j] /= batch; }
        var szz = new double[dim]; var saa = new double[dim]; var sza = new double[dim];
        for (int r = 0; r < batch; r++)
        {
            var zr = z.Row(r); var ar = a.Row(r);
            for (int j = 0; j < dim; j++)
            {
                double dz = double.CreateTruncating(zr[j]) - meanZ[j];
                double da = double.CreateTruncating(ar[j]) - meanA[j];
                szz[j] += dz * dz; saa[j] += da * da; sza[j] += dz * da;
            }
        }
        double stdSum = 0, stdMin = double.PositiveInfinity, signSum = 0, pseudoSum = 0;
        for (int j = 0; j < dim; j++)
        {
            double std = Math.Sqrt(szz[j] / batch);
            stdSum += std;
            stdMin = Math.Min(stdMin, std);
            int total = pos[j] + neg[j];
            signSum += total == 0 ? 0 : (double)Math.Min(pos[j], neg[j]) / total;
            // 1 − R² = SS_res / SS_tot of regressing a on z: 1 − cov² / (var z · var a). A constant z or a constant
            // act(z) is reproduced exactly by an affine map, so the unit acts linearly: 0. Relative cut-offs keep
            // rounding noise of an (almost) constant column from counting as variance.
            double scaleZ = Math.Max(meanZ[j] * meanZ[j], 1e-300), scaleA = Math.Max(meanA[j] * meanA[j], 1e-300);
            double pseudo = szz[j] <= 1e-24 * scaleZ * batch || saa[j] <= 1e-24 * scaleA * batch
                ? 0
                : Math.Clamp(1 - sza[j] * sza[j] / (szz[j] * saa[j]), 0, 1);
            pseudoSum += pseudo;
        }
        return new UnitStatistics(dim, stdSum / dim, stdMin, signSum / dim, pseudoSum / dim);
    }

    /// <summary>Statistics of every nonlinearity of the network for the forward pass on <paramref name="tape"/>, input side last (position
    /// order 1 … L). The blocks are independent, so they run on the worker pool; the entries come back in position order.</summary>
    public static IReadOnlyList<CollapseEntry> ForNetwork<T>(Network<T> network, ParameterSet<T> theta, Tape<T> tape)
        where T : unmanaged, IFloatingPointIeee754<T> => ForNetwork(network, theta, tape, WorkerPool.Shared);

    internal static IReadOnlyList<CollapseEntry> ForNetwork<T>(Network<T> network, ParameterSet<T> theta, Tape<T> tape, WorkerPool pool)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var perPosition = new List<CollapseEntry>[network.BlockCount];
        // act(z) of every nonlinearity goes to one scratch matrix per thread: a fresh B × d matrix per layer cost more in
        // first-touch page faults than its statistics cost in arithmetic.
        var scratch = new ScratchBag<Matrix<T>>(() => new Matrix<T>(0, 0));
        pool.For(network.BlockCount, new PositionWork<T>(network, theta, tape, perPosition, scratch));
        return perPosition.SelectMany(entries => entries).ToList();
    }

    private readonly struct PositionWork<T>(Network<T> network, ParameterSet<T> theta, Tape<T> tape, List<CollapseEntry>[] perPosition,
        ScratchBag<Matrix<T>> scratch) : IWorkItem where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index)
        {
            using var lease = scratch.Take();
            perPosition[index] = ForPosition(network, theta, tape, index + 1, lease.Scratch);
        }
    }

    private static List<CollapseEntry> ForPosition<T>(Network<T> network, ParameterSet<T> theta, Tape<T> tape, int position,
        Matrix<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new List<CollapseEntry>();
        int b = network.BlockIndexOfPosition(position);
        var block = network.Blocks[b];
        int blockLinear = GradientScale.LinearLayersFromOutput(network, position);
        var layers = block.Layers;
        foreach (var (layer, z) in block.PreActivations(tape.Activations[b], tape.BlockCaches[b]))
        {
            int index = IndexOf(layers, layer);
            int linearAfter = 0;
            for (int i = index + 1; i < layers.Count; i++) if (layers[i] is Linear<T>) linearAfter++;
            result.Add(new CollapseEntry(position, block.Name, layer.Name, layer.Describe(), blockLinear + linearAfter,
                Compute(layer, theta, z, scratch)));
        }
        return result;
    }

    private static int IndexOf<T>(IReadOnlyList<Layer<T>> layers, Layer<T> layer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < layers.Count; i++) if (ReferenceEquals(layers[i], layer)) return i;
        return -1;
    }
}
