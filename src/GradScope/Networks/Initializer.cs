using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;
using DenseMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace GradScope.Networks;

/// <summary>
/// Initial parameters θ⁰ of a zoo network (SPEC §1.2), computed in double and converted:
/// Gaussian weights with variance gain/fan_in, Haar-orthogonal weights scaled by √gain, or
/// looks-linear mirrored orthogonal weights. Biases and norm shifts 0, norm gains 1, running
/// variance 1. Each tensor draws from its own random stream (seed, tensor index), so adding a
/// layer at the end does not change the others.
/// </summary>
public static class Initializer
{
    public static ParameterSet<T> Initialize<T>(Network<T> network, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var spec = network.Spec;
        var theta = network.CreateParameters();
        var layout = network.Layout;
        var linears = network.Blocks.SelectMany(b => b.Layers).OfType<Linear<T>>().Append(network.Output).ToList();

        for (int i = 0; i < layout.Count; i++)
        {
            var info = layout.Entries[i];
            if (info.Name.EndsWith(".weight", StringComparison.Ordinal) && IsNormName(info.Name)) theta[i].Span.Fill(T.One);
            else if (info.Name.EndsWith(".running_var", StringComparison.Ordinal)) theta[i].Span.Fill(T.One);
        }

        foreach (var linear in linears)
        {
            bool isOutput = ReferenceEquals(linear, network.Output);
            bool isInput = linear.InputDim == network.InputDim && linear.Name.StartsWith("blocks.0.", StringComparison.Ordinal);
            double gain = isOutput ? 1.0 : spec.HiddenGain;
            var rng = Rng.ForStream(seed, (ulong)linear.WeightIndex);
            double[,] w = spec.Init switch
            {
                InitKind.Gauss => Gaussian(linear.OutputDim, linear.InputDim, gain, rng),
                InitKind.Orthogonal => Scale(Orthogonal(linear.OutputDim, linear.InputDim, rng), Math.Sqrt(gain)),
                InitKind.LooksLinear => LooksLinear(linear.OutputDim, linear.InputDim, isInput, isOutput, rng),
                _ => throw new ArgumentOutOfRangeException(nameof(network)),
            };
            var target = theta[linear.WeightIndex];
            for (int r = 0; r < target.Rows; r++)
                for (int c = 0; c < target.Cols; c++)
                    target[r, c] = T.CreateTruncating(w[r, c]);
        }
        return theta;
    }

    private static bool IsNormName(string name) => name.Contains(".norm.", StringComparison.Ordinal);

    /// <summary>Entries N(0, gain / fan_in).</summary>
    public static double[,] Gaussian(int rows, int cols, double gain, Rng rng)
    {
        var w = new double[rows, cols];
        double std = Math.Sqrt(gain / cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                w[r, c] = std * rng.NextGaussian();
        return w;
    }

    /// <summary>
    /// Haar-random (semi-)orthogonal rows × cols matrix: QR of a Gaussian matrix with the signs of R's
    /// diagonal moved into Q (without that fix Q is not Haar distributed). Rows orthonormal when
    /// rows ≤ cols, columns orthonormal otherwise.
    /// </summary>
    public static double[,] Orthogonal(int rows, int cols, Rng rng)
    {
        bool wide = rows < cols;
        int tall = wide ? cols : rows, narrow = wide ? rows : cols;
        var g = DenseMatrix.Build.Dense(tall, narrow, (_, _) => rng.NextGaussian());
        var qr = g.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var q = qr.Q;
        var rDiag = qr.R.Diagonal();
        var w = new double[rows, cols];
        for (int i = 0; i < tall; i++)
            for (int j = 0; j < narrow; j++)
            {
                double v = q[i, j] * Math.Sign(rDiag[j] == 0 ? 1 : rDiag[j]);
                if (wide) w[j, i] = v; else w[i, j] = v;
            }
        return w;
    }

    /// <summary>
    /// Looks-linear weights (Balduzzi et al. 2017) for relu: with h = width/2 and orthogonal U,
    /// hidden maps are [[U, −U], [−U, U]], the input map [V; −V], the output map [Uₒ, −Uₒ].
    /// Since relu(z) − relu(−z) = z the whole network is then exactly an orthogonal linear map.
    /// </summary>
    public static double[,] LooksLinear(int rows, int cols, bool isInput, bool isOutput, Rng rng)
    {
        var w = new double[rows, cols];
        if (isInput)
        {
            int h = rows / 2;
            var v = Orthogonal(h, cols, rng);
            for (int r = 0; r < h; r++)
                for (int c = 0; c < cols; c++) { w[r, c] = v[r, c]; w[r + h, c] = -v[r, c]; }
        }
        else if (isOutput)
        {
            int h = cols / 2;
            var u = Orthogonal(rows, h, rng);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < h; c++) { w[r, c] = u[r, c]; w[r, c + h] = -u[r, c]; }
        }
        else
        {
            int h = rows / 2;
            var u = Orthogonal(h, h, rng);
            for (int r = 0; r < h; r++)
                for (int c = 0; c < h; c++)
                {
                    w[r, c] = u[r, c]; w[r, c + h] = -u[r, c];
                    w[r + h, c] = -u[r, c]; w[r + h, c + h] = u[r, c];
                }
        }
        return w;
    }

    private static double[,] Scale(double[,] w, double factor)
    {
        for (int r = 0; r < w.GetLength(0); r++)
            for (int c = 0; c < w.GetLength(1); c++) w[r, c] *= factor;
        return w;
    }
}
