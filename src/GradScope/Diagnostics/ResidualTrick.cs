using System.Numerics;
using System.Runtime.CompilerServices;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>Settings of the λ dynamic program (SPEC §2.5).</summary>
public sealed record ResidualTrickOptions
{
    /// <summary>Project choice τ = 0.01 (SPEC §2.5), the default of every command and sweep.</summary>
    public const double DefaultTau = 0.01;

    /// <summary>τ: effective depth is the smallest d with Σ_{λ&gt;d} C_λ ≤ τ Σ_λ C_λ.</summary>
    public double Tau { get; init; } = DefaultTau;
    /// <summary>Also record the (normalised) λ-profile at the input side of every block.</summary>
    public bool PerBlock { get; init; }
    /// <summary>Upper bound on the rows of one batched backward call (chunks of λ values). The default keeps one matrix of a
    /// chunk of a width-100 network in double (1,024 × 100 × 8 bytes = 800 KB) within one core's L2 cache (1 MB here; with
    /// both cores on their own chunks, 2,048 rows took 5–15 % more processor time); the result does not depend on it.</summary>
    public int MaxRows { get; init; } = 1024;
    /// <summary>The pool the chunks of a block run on (null: the shared pool); tests compare a one-thread pool with others.</summary>
    internal WorkerPool? Pool { get; init; }
    /// <summary>Observed once per block (the dynamic program's outer loop).</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>The first block (at the network input) measured row block by row block without holding its wide groups
    /// (<see cref="LambdaInputBlock"/>, same bits); tests compare it with the whole-group step.</summary>
    internal bool StreamInputBlock { get; init; } = true;
}

/// <summary>λ-profile of one position: C_λ for λ = 0 … Λ, normalised to sum 1.</summary>
/// <param name="Position">The position where the cotangents are read (input side of the block at position − 1).</param>
/// <param name="LogTotal">log Σ_λ ‖g_λ‖ before normalisation.</param>
public sealed record LambdaProfile(int Position, IReadOnlyList<double> Weights, double LogTotal);

/// <param name="Profile">C_λ at the network input (the input side of the first block), λ = 0 … L, normalised.</param>
/// <param name="EffectiveDepth">SPEC §2.5: smallest d with Σ_{λ&gt;d} C_λ ≤ τ Σ C_λ (norms of the groups, summed).</param>
/// <param name="PerBlock">Profiles at the input side of every block, position order L+1 … 2 (filled when asked).</param>
/// <param name="Truncation">The gradient-truncation view of the same groups (see <see cref="GradientTruncation"/>).</param>
public sealed record ResidualTrickResult(LambdaProfile Profile, int EffectiveDepth, double Tau, IReadOnlyList<LambdaProfile> PerBlock,
    GradientTruncation Truncation)
{
    /// <summary>Effective depth of a normalised profile.</summary>
    public static int EffectiveDepthOf(IReadOnlyList<double> weights, double tau)
    {
        double total = weights.Sum();
        if (!(total > 0)) return 0;
        double tail = total;
        for (int d = 0; d < weights.Count; d++)
        {
            tail -= weights[d];
            if (tail <= tau * total + 1e-15 * total) return d;
        }
        return weights.Count - 1;
    }
}

/// <summary>
/// The residual trick (SPEC §2.5): every block splits at the current activations into its initial function
/// i_b = block_b(θ⁰, ·) and residual function r_b = block_b(θ, ·) − i_b, and J_b = J_{i_b} + J_{r_b}. The error
/// gradient is carried through Π_b (J_{i_b} + t J_{r_b}) by a dynamic program with one cotangent per power λ of t:
/// g'_λ = J_{i_b}ᵀ g_λ + J_{r_b}ᵀ g_{λ−1}, where J_{r_b}ᵀ g = (VJP with θ) − (VJP with θ⁰), both at the block's input on
/// the θ forward. All λ cotangents are stacked so that each block costs two batched backward calls.
/// <para>
/// Starting cotangent (project choice): the gradient of the summed per-example losses, i.e. a ones cotangent at position 0
/// mapped through the error layer and the output layer with θ (those are not blocks, so they are not split). The
/// normalisation makes the profile independent of the sum-vs-mean choice.
/// </para>
/// <para>Batch norm uses batch statistics for both θ and θ⁰ (the mode the tape was recorded in, normally Analyze).</para>
/// At initialisation θ = θ⁰ the two VJPs are bitwise equal, so every g_λ with λ ≥ 1 is exactly zero and the effective depth is 0.
/// </summary>
public static class ResidualTrick
{
    public static ResidualTrickResult Compute<T>(Network<T> network, ParameterSet<T> theta, ParameterSet<T> theta0, Tape<T> tape,
        ResidualTrickOptions? options = null, ForwardMode mode = ForwardMode.Analyze) where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= new ResidualTrickOptions();
        int batch = tape.BatchSize;
        int blocks = network.BlockCount;
        var ones = new Matrix<T>(batch, 1);
        ones.Span.Fill(T.One);
        // g and next hold up to L + 1 stacked groups: sized once for the widest hidden position, so that they do not grow
        // (a fresh allocation and its page faults) at every block; only the network input, if wider, grows one of them.
        int widest = tape.Activations.Skip(1).Max(a => a.Cols);
        var g = new Matrix<T>((blocks + 1) * batch, widest);
        var next = new Matrix<T>((blocks + 1) * batch, widest);
        network.BackwardStep(theta, tape, 0, ones, g, null);
        int count = 1; // number of λ values carried (λ = 0 … count − 1)
        var perBlock = new List<LambdaProfile>();
        var initOutput = new Matrix<T>(0, 0);
        var thetaOutput = new Matrix<T>(0, 0);
        var caches = new StructureCaches<T>();
        var pool = options.Pool ?? WorkerPool.Shared;
        int maxChunk = Math.Max(1, options.MaxRows / batch);
        var scratch = new ScratchBag<ChunkScratch<T>>(() => new ChunkScratch<T>().Reserve(maxChunk * batch, widest));
        // Each chunk's last residual term, added into the next chunk's first group; sized for the most chunks at once.
        var carries = new Matrix<T>(Math.Max(ChunkCount(blocks + 1, maxChunk, pool.Concurrency) - 1, 0) * batch, widest);
        GradientTruncation? streamed = null; // the last block's truncation when LambdaInputBlock measured it
        for (int position = 1; position <= blocks; position++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            int b = network.BlockIndexOfPosition(position);
            var block = network.Blocks[b];
            var x = tape.Activations[b];
            var y = tape.Activations[b + 1];
            var cache = tape.BlockCaches[b];
            int dimIn = x.Cols, segIn = batch * dimIn;
            if (SameParameters(block, theta, theta0))
            {
                // θ_b = θ⁰_b: J_r = 0 exactly, every g_λ just goes through J_i = J_θ.
                block.Backward(theta, x, y, cache, g, next, null);
                (g, next) = (next, g);
                while (count > 1 && IsZero(g.Span.Slice((count - 1) * segIn, segIn))) count--;
                g.Resize(count * batch, dimIn);
                if (options.PerBlock || position == blocks) perBlock.Add(Profile(g, position + 1, batch, blocks));
                continue;
            }
            // Both VJPs run on caches shared by all blocks of one structure (see StructureCaches), not on the tape's.
            var (thetaCache, initCache) = caches.For(block);
            // The two forwards are independent: one per thread (the pool's other thread would otherwise wait for both).
            pool.For(2, new TwoForwards<T>(block, theta, theta0, x, thetaOutput, initOutput, thetaCache, initCache, mode));
            int newCount = Math.Min(count + 1, blocks + 1);
            if (position == blocks && options.StreamInputBlock && LambdaInputBlock.Applies(block))
            {
                // The last block: its groups at the network input are only measured, never carried on.
                var (profile, truncationOfInput) = LambdaInputBlock.Compute((PlainBlock<T>)block, theta, theta0, x, thetaOutput,
                    initOutput, thetaCache, initCache, g, next, count, newCount, batch, blocks, position + 1, options, pool, scratch);
                perBlock.Add(profile);
                streamed = truncationOfInput;
                break;
            }
            next.Resize(newCount * batch, dimIn);
            // Chunks of the input groups, each running J_iᵀ and J_θᵀ on its own groups (see LambdaStep). Bounded chunks keep
            // every operand cache-sized and every buffer at a fixed size instead of growing with λ. The chunks of one block are
            // independent, so they run on the worker pool, at least one per thread; the arithmetic per element is the same
            // whatever the chunk and whichever thread runs it, so the result depends on neither. Chunks of equal size (±1
            // group), a multiple of the thread count when there are enough groups, so that the threads finish together.
            int parts = ChunkCount(count, maxChunk, pool.Concurrency);
            carries.Resize(Math.Max(parts - 1, 0) * batch, dimIn);
            var step = new LambdaStep<T>(block, theta, theta0, x, thetaOutput, initOutput, thetaCache, initCache, g, next, carries, count,
                newCount, parts, batch, scratch);
            block.PackBackwardWeights(theta, thetaCache);
            block.PackBackwardWeights(theta0, initCache);
            try { pool.For(parts, new LambdaChunkWork<T>(step)); }
            finally
            {
                block.ReleaseWeights(thetaCache);
                block.ReleaseWeights(initCache);
            }
            step.AddCarries();
            // Drop trailing λ values whose cotangent is exactly zero (all of them at initialisation).
            while (newCount > 1 && IsZero(next.Span.Slice((newCount - 1) * segIn, segIn))) newCount--;
            next.Resize(newCount * batch, dimIn);
            (g, next) = (next, g);
            count = newCount;
            if (options.PerBlock || position == blocks) perBlock.Add(Profile(g, position + 1, batch, blocks));
        }
        var final = perBlock[^1];
        if (!options.PerBlock) perBlock.Clear();
        var truncation = streamed ?? GradientTruncation.Of(g, batch, blocks, options.Tau);
        int depth = ResidualTrickResult.EffectiveDepthOf(final.Weights, options.Tau);
        return new ResidualTrickResult(final, depth, options.Tau, perBlock, truncation);
    }

    /// <summary>Item 0 runs the block with θ, item 1 with θ⁰, each on its own cache and output.</summary>
    private readonly struct TwoForwards<T>(Block<T> block, ParameterSet<T> theta, ParameterSet<T> theta0, Matrix<T> x,
        Matrix<T> thetaOutput, Matrix<T> initOutput, BlockCache<T> thetaCache, BlockCache<T> initCache, ForwardMode mode) : IWorkItem
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index)
        {
            if (index == 0) block.Forward(theta, x, thetaOutput, thetaCache, mode);
            else block.Forward(theta0, x, initOutput, initCache, mode);
        }
    }

    /// <summary>Chunks of the λ step for <paramref name="count"/> groups: at most <paramref name="maxChunk"/> groups each, at
    /// least one per thread, and a multiple of the thread count when there are enough groups.</summary>
    private static int ChunkCount(int count, int maxChunk, int threads) =>
        Math.Min(count, RoundUp((count + maxChunk - 1) / maxChunk, threads));

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>True when every parameter tensor of the block is bitwise equal in θ and θ⁰.</summary>
    private static bool SameParameters<T>(Block<T> block, ParameterSet<T> theta, ParameterSet<T> theta0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string prefix = block.Name + ".";
        for (int i = 0; i < theta.Count; i++)
            if (theta.Layout.Entries[i].Name.StartsWith(prefix, StringComparison.Ordinal) && !theta[i].Span.SequenceEqual(theta0[i].Span))
                return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsZero<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var v in values) if (v != T.Zero) return false;
        return true;
    }

    private static LambdaProfile Profile<T>(Matrix<T> g, int position, int batch, int blocks) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = g.Rows / batch;
        int segment = batch * g.Cols;
        var squares = new double[count];
        for (int l = 0; l < count; l++) squares[l] = DiagMath.SumSquares<T>(g.Span.Slice(l * segment, segment));
        return ProfileFromSquares(squares, position, blocks);
    }

    /// <summary>The λ-profile from ‖g_λ‖² of the carried groups (the rest are zero).</summary>
    internal static LambdaProfile ProfileFromSquares(IReadOnlyList<double> squares, int position, int blocks)
    {
        var norms = new double[blocks + 1];
        for (int l = 0; l < squares.Count; l++) norms[l] = Math.Sqrt(squares[l]);
        double total = norms.Sum();
        var weights = total > 0 ? norms.Select(n => n / total).ToArray() : norms;
        return new LambdaProfile(position, weights, Math.Log(total));
    }
}
