using System.Numerics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>How ‖J‖_F² of a Jacobian between two positions is obtained.</summary>
public enum JacobianMode
{
    /// <summary>Exact for networks without batch coupling; for batch-coupled networks exact when the batch is
    /// at most <see cref="JacobianOptions.ExactCoupledMaxBatch"/>, Hutchinson otherwise. The GSC(k, 0) profile needs
    /// only B cotangents (d_0 = 1) and is exact up to <see cref="JacobianOptions.ExactProfileMaxBatch"/>.</summary>
    Auto,
    /// <summary>Always exact: block-diagonal unit vectors (d_l cotangents) without coupling, all B·d_l unit vectors with it.</summary>
    Exact,
    /// <summary>Exact with all B·d_l unit vectors even when the network does not couple examples (a check of the block-diagonal
    /// shortcut).</summary>
    ExactPerExample,
    /// <summary>Hutchinson estimate mean_i ‖Jᵀv_i‖² with Gaussian probes v_i, with its standard error.</summary>
    Hutchinson,
}

/// <summary>Settings shared by every Jacobian-norm computation.</summary>
public sealed record JacobianOptions
{
    public JacobianMode Mode { get; init; } = JacobianMode.Auto;
    /// <summary>Largest batch for which <see cref="JacobianMode.Auto"/> uses exact unit vectors on a batch-coupled network.</summary>
    public int ExactCoupledMaxBatch { get; init; } = 16;
    /// <summary>
    /// Largest batch for which the GSC(k, 0) profile of a batch-coupled network is exact under
    /// <see cref="JacobianMode.Auto"/>: its cost is B backward passes, i.e. grows as B². 512 covers every preset's
    /// diagnostics batch (256, 500); larger batches fall back to Hutchinson unless Exact is asked for.
    /// </summary>
    public int ExactProfileMaxBatch { get; init; } = 512;
    /// <summary>Number of Gaussian probes of a Hutchinson estimate.</summary>
    public int Probes { get; init; } = 16;
    /// <summary>Seed of the probe stream (a fixed default keeps reports reproducible).</summary>
    public ulong ProbeSeed { get; init; } = 0x5EED0F9CUL;
    /// <summary>Upper bound on the rows (C·B) of one chunk of stacked cotangents; at least one cotangent per chunk.</summary>
    public int MaxRows { get; init; } = 4096;
    /// <summary>
    /// Rows (C·B) of one chunk of the unit cotangents of the loss vector (the exact GSC(k, 0) profile of a batch-coupled
    /// network, <see cref="LossCotangentSweep"/>): chunks run through the whole network on the worker pool, so one chunk's
    /// matrices should stay near a core's L2. 512 rows (two cotangents at B = 256) beat 256 and 1,024 on the 2-core EPYC
    /// while the double column tail packed its operand with scalar stores; since it packs by 4×4 transposes, 1,024 rows
    /// (four cotangents, 800 KB per matrix at width 100) is 3–5 % faster than 512 (7 of 8 alternating pairs). At least one
    /// cotangent per chunk; the result does not depend on it.
    /// </summary>
    public int LossSweepChunkRows { get; init; } = 1024;
    /// <summary>Observed at every block step, so Ctrl+C stops even a full GSC matrix within a fraction of a second.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// An estimate of ‖J‖_F², kept in log space. For exact values the standard error is 0.
/// </summary>
/// <param name="LogSquared">log ‖J‖_F² (−∞ for a zero Jacobian).</param>
/// <param name="RelativeStandardError">Standard error of the estimate of ‖J‖_F² divided by the estimate (0 when exact).</param>
/// <param name="Samples">Probes (Hutchinson) or unit vectors (exact) used.</param>
public readonly record struct FrobeniusEstimate(double LogSquared, double RelativeStandardError, int Samples, bool Exact)
{
    public double Squared => Math.Exp(LogSquared);
    public double StandardError => RelativeStandardError * Squared;
}

/// <summary>Called at each position a sweep reaches: the stacked cotangents there are exp(logScale)·cotangent.</summary>
public delegate void SweepObserver<T>(int position, Matrix<T> cotangent, ReadOnlySpan<double> sumSquaresPerCotangent, double logScale)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Jacobians of a network between positions (SPEC §1.1, §2.2) at one forward pass, treating the whole batch as
/// one data point: J = ∂f_l/∂f_k is the Jacobian between the flattened B × d matrices. Everything is driven
/// through <see cref="Network{T}.BackwardStep"/> with stacked cotangents, so one block backward per chunk is one
/// large GEMM. Not thread-safe (the tape's scratch buffers are shared).
/// </summary>
public sealed class JacobianTools<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Matrix<T> _a = new(0, 0), _b = new(0, 0), _seed = new(0, 0);
    private readonly ForwardModeJvp<T> _jvp = new();
    private double[]? _logNorms;

    /// <param name="tape">A tape after <see cref="Network{T}.Forward"/> with θ (labels are needed for position 0).</param>
    public JacobianTools(Network<T> network, ParameterSet<T> theta, Tape<T> tape, JacobianOptions? options = null)
    {
        Network = network;
        Theta = theta;
        Tape = tape;
        Options = options ?? new JacobianOptions();
    }

    public Network<T> Network { get; }
    public ParameterSet<T> Theta { get; }
    public Tape<T> Tape { get; }
    public JacobianOptions Options { get; }
    public int BatchSize => Tape.BatchSize;
    public int BlockCount => Network.BlockCount;

    /// <summary>True when the network's blocks couple examples (batch norm with batch statistics).</summary>
    public bool CouplesExamples => Network.CouplesExamples;

    /// <summary>log ‖f_p‖_F for p = 0 … L + 1 (Frobenius norm of the batch matrix at position p).</summary>
    public double LogPositionNorm(int position)
    {
        if (_logNorms is null)
        {
            _logNorms = new double[BlockCount + 2];
            for (int p = 0; p <= BlockCount + 1; p++) _logNorms[p] = 0.5 * Math.Log(DiagMath.SumSquares<T>(Tape.Position(p).Span));
        }
        return _logNorms[position];
    }

    /// <summary>Input dimension of a map that starts at position k: B·d_k.</summary>
    public double LogInputDimension(int position) => Math.Log((double)BatchSize * Network.PositionWidth(position));

    /// <summary>The mode <see cref="JacobianMode.Auto"/> resolves to for this network and batch.</summary>
    public JacobianMode ResolveMode(JacobianMode mode) => mode switch
    {
        JacobianMode.Auto => !CouplesExamples || BatchSize <= Options.ExactCoupledMaxBatch ? JacobianMode.Exact : JacobianMode.Hutchinson,
        _ => mode,
    };

    /// <summary>The mode <see cref="JacobianMode.Auto"/> resolves to for the GSC(k, 0) profile (B cotangents when coupled).</summary>
    public JacobianMode ResolveProfileMode(JacobianMode mode) => mode switch
    {
        JacobianMode.Auto => !CouplesExamples || BatchSize <= Options.ExactProfileMaxBatch
            ? JacobianMode.Exact : JacobianMode.Hutchinson,
        _ => mode,
    };

    private int ChunkCotangents(int total) => Math.Clamp(Options.MaxRows / Math.Max(1, BatchSize), 1, Math.Max(1, total));

    private void CheckPositions(int from, int to)
    {
        if (from < 0 || to > BlockCount + 1 || from > to)
            throw new ArgumentOutOfRangeException(nameof(to), $"Need 0 ≤ from ≤ to ≤ {BlockCount + 1}, got {from} → {to}.");
    }

    /// <summary>Jᵀc for J = ∂f_from/∂f_to (from &lt; to): stacked cotangents at position <paramref name="from"/> mapped to position
    /// <paramref name="to"/>. Returns a new matrix.</summary>
    public Matrix<T> Vjp(int from, int to, Matrix<T> cotangent)
    {
        CheckPositions(from, to);
        var current = cotangent.Clone();
        var next = new Matrix<T>(0, 0);
        for (int p = from; p < to; p++)
        {
            Options.Cancellation.ThrowIfCancellationRequested();
            Network.BackwardStep(Theta, Tape, p, current, next, null);
            (current, next) = (next, current);
        }
        return current;
    }

    /// <summary>J t for J = ∂f_to/∂f_from (to &lt; from): stacked tangents at position <paramref name="from"/> pushed forward to position
    /// <paramref name="to"/>. Returns a new matrix.</summary>
    public Matrix<T> Jvp(int from, int to, Matrix<T> tangent)
    {
        CheckPositions(to, from);
        var current = tangent.Clone();
        var next = new Matrix<T>(0, 0);
        for (int q = from - 1; q >= Math.Max(to, 1); q--)
        {
            Options.Cancellation.ThrowIfCancellationRequested();
            int b = Network.BlockIndexOfPosition(q);
            _jvp.Block(Network.Blocks[b], Theta, Tape.Activations[b], Tape.Activations[b + 1], Tape.BlockCaches[b], current, next);
            (current, next) = (next, current);
        }
        if (to == 0 && from > 0) current = LossJvp(current);
        return current;
    }

    /// <summary>Output layer and per-example loss: dℓ_b = (softmax(z_b) − onehot(y_b)) · (t_b Wᵀ).</summary>
    private Matrix<T> LossJvp(Matrix<T> tangent)
    {
        var logits = new Matrix<T>(tangent.Rows, Network.Classes);
        Gemm.Multiply(tangent, Op.None, Theta[Network.Output.WeightIndex], Op.Transpose, logits, T.One, T.Zero);
        var result = new Matrix<T>(tangent.Rows, 1);
        var labels = Tape.Labels;
        for (int r = 0; r < tangent.Rows; r++)
        {
            int example = r % BatchSize;
            var p = Tape.Probabilities.Row(example);
            var z = logits.Row(r);
            T s = -z[labels[example]];
            for (int j = 0; j < z.Length; j++) s += p[j] * z[j];
            result[r, 0] = s;
        }
        return result;
    }

    /// <summary>
    /// Back-propagates stacked cotangents from position <paramref name="from"/> to <paramref name="to"/>, calling
    /// <paramref name="observer"/> at every position from … to with the per-cotangent sums of squares. The cotangent
    /// is rescaled by powers kept in <c>logScale</c> whenever its magnitude drifts far from 1, so that very deep
    /// exploding or vanishing chains neither overflow nor underflow (the VJP is linear). Consumes <paramref name="cotangent"/>.
    /// </summary>
    public void Sweep(int from, int to, Matrix<T> cotangent, SweepObserver<T> observer)
    {
        CheckPositions(from, to);
        int batch = BatchSize;
        int count = cotangent.Rows / batch;
        var sums = new double[count];
        double logScale = 0;
        double limit = typeof(T) == typeof(float) ? 1e30 : 1e200;
        var current = cotangent;
        var spare = ReferenceEquals(cotangent, _a) ? _b : _a;
        for (int p = from; ; p++)
        {
            int segment = current.Rows / count * current.Cols;
            double total = 0;
            for (int c = 0; c < count; c++)
            {
                sums[c] = DiagMath.SumSquares<T>(current.Span.Slice(c * segment, segment));
                total += sums[c];
            }
            observer(p, current, sums, logScale);
            if (p == to) return;
            Options.Cancellation.ThrowIfCancellationRequested();
            if (total > 0 && double.IsFinite(total) && (total > limit || total < 1 / limit))
            {
                double factor = Math.Sqrt(count / total);
                T f = T.CreateTruncating(factor);
                foreach (ref var v in current.Span) v *= f;
                logScale -= Math.Log(double.CreateTruncating(f));
            }
            Network.BackwardStep(Theta, Tape, p, current, spare, null);
            (current, spare) = (spare, current);
        }
    }

    /// <summary>‖∂f_l/∂f_k‖_F² for every k = l … kMax (array indexed by k), by the given mode (Auto resolves first).</summary>
    public FrobeniusEstimate[] SquaredFrobenius(int l, int kMax, JacobianMode mode = JacobianMode.Auto, Rng? rng = null)
    {
        mode = ResolveMode(mode);
        return mode switch
        {
            JacobianMode.Hutchinson => Hutchinson(l, kMax, Options.Probes, rng ?? Rng.ForStream(Options.ProbeSeed, (ulong)l)),
            JacobianMode.ExactPerExample => Exact(l, kMax, perExample: true),
            _ => Exact(l, kMax, perExample: CouplesExamples),
        };
    }

    /// <summary>‖J‖_qm = ‖J‖_F/√(B·d_k) of J = ∂f_l/∂f_k (l &lt; k), with its standard error (0 when exact).</summary>
    public (double Value, double StandardError) QuadraticMeanNorm(int k, int l, JacobianMode mode = JacobianMode.Auto)
    {
        if (!(0 <= l && l < k)) throw new ArgumentOutOfRangeException(nameof(l), $"Need l < k, got k = {k}, l = {l}.");
        var frob = SquaredFrobenius(l, k, mode)[k];
        double value = Math.Exp(0.5 * (frob.LogSquared - LogInputDimension(k)));
        return (value, 0.5 * frob.RelativeStandardError * value);
    }

    /// <summary>
    /// Exact ‖J‖_F² by back-propagating unit vectors of position l in chunks. Without batch coupling J is
    /// block-diagonal over examples, so one cotangent per unit i (e_i in every example's row) yields row i of every
    /// example's Jacobian at once (d_l cotangents); with <paramref name="perExample"/> all B·d_l unit vectors are used
    /// (from the loss vector, l = 0: the B unit vectors in cache-sized chunks on the worker pool, <see cref="LossCotangentSweep"/>).
    /// </summary>
    public FrobeniusEstimate[] Exact(int l, int kMax, bool perExample)
    {
        CheckPositions(l, kMax);
        if (perExample && l == 0) return LossCotangentSweep.Compute(this, kMax, Options.LossSweepChunkRows);
        int batch = BatchSize, dim = Network.PositionWidth(l);
        int units = perExample ? batch * dim : dim;
        var logAcc = new double[kMax + 1];
        Array.Fill(logAcc, double.NegativeInfinity);
        int chunk = ChunkCotangents(units);
        for (int start = 0; start < units; start += chunk)
        {
            int count = Math.Min(chunk, units - start);
            var seed = _seed.Resize(count * batch, dim);
            seed.Clear();
            for (int c = 0; c < count; c++)
            {
                int u = start + c;
                if (perExample) seed[c * batch + u / dim, u % dim] = T.One;
                else for (int b = 0; b < batch; b++) seed[c * batch + b, u] = T.One;
            }
            Sweep(l, kMax, seed, (p, _, sums, logScale) =>
            {
                double total = 0;
                foreach (var s in sums) total += s;
                if (total > 0) logAcc[p] = DiagMath.LogAddExp(logAcc[p], Math.Log(total) + 2 * logScale);
            });
        }
        var result = new FrobeniusEstimate[kMax + 1];
        for (int k = l; k <= kMax; k++) result[k] = new FrobeniusEstimate(logAcc[k], 0, units, true);
        return result;
    }

    /// <summary>Hutchinson: ‖J‖_F² = E‖Jᵀv‖² for v with independent standard normal entries (B × d_l); mean and standard error over the
    /// probes.</summary>
    public FrobeniusEstimate[] Hutchinson(int l, int kMax, int probes, Rng rng)
    {
        CheckPositions(l, kMax);
        if (probes < 2) throw new ArgumentOutOfRangeException(nameof(probes),
            "A Hutchinson estimate with a standard error needs at least 2 probes.");
        int batch = BatchSize, dim = Network.PositionWidth(l);
        var logs = new double[kMax + 1][];
        for (int k = l; k <= kMax; k++) logs[k] = new double[probes];
        int chunk = ChunkCotangents(probes);
        for (int start = 0; start < probes; start += chunk)
        {
            int count = Math.Min(chunk, probes - start);
            var seed = _seed.Resize(count * batch, dim);
            DiagMath.FillGaussian(seed.Span, rng);
            int offset = start;
            Sweep(l, kMax, seed, (p, _, sums, logScale) =>
            {
                for (int c = 0; c < sums.Length; c++) logs[p][offset + c] = Math.Log(sums[c]) + 2 * logScale;
            });
        }
        var result = new FrobeniusEstimate[kMax + 1];
        for (int k = l; k <= kMax; k++) result[k] = MeanOfLogs(logs[k]);
        return result;
    }

    /// <summary>Mean and relative standard error of samples given as logarithms.</summary>
    internal static FrobeniusEstimate MeanOfLogs(double[] logValues)
    {
        int n = logValues.Length;
        double max = logValues.Max();
        if (double.IsNegativeInfinity(max)) return new FrobeniusEstimate(double.NegativeInfinity, 0, n, false);
        double mean = 0;
        foreach (var v in logValues) mean += Math.Exp(v - max);
        mean /= n;
        double variance = 0;
        foreach (var v in logValues) { double d = Math.Exp(v - max) - mean; variance += d * d; }
        variance /= n - 1;
        return new FrobeniusEstimate(max + Math.Log(mean), Math.Sqrt(variance / n) / mean, n, false);
    }
}
