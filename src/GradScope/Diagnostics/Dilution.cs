using System.Numerics;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Diagnostics;

/// <summary>
/// Dilution of one residual unit f(v) = S v + ρ(v), S = identity, ρ = w_r · branch (SPEC §2.4).
/// </summary>
/// <param name="Position">Position of the unit's output.</param>
/// <param name="Dilution">k = Q‖S v‖ / Q‖ρ(v)‖, Q[X] = √E[X²] over the examples of the batch.</param>
/// <param name="GscBranch">GSC of v ↦ ρ(v) (unit input to weighted branch output); independent of w_r.</param>
/// <param name="GscUnit">GSC of v ↦ f(v).</param>
/// <param name="PredictedGscUnit">√(1 + (GscBranch² − 1)/(k² + 1)), what the Pythagorean relation predicts for GscUnit.</param>
/// <param name="GrowthReduction">(GscBranch² − 1)/(GscUnit² − 1); ≈ k² + 1 under the Pythagorean relation.</param>
/// <param name="LogGrowthReduction">log GscBranch / log GscUnit; ≈ k² + 1 when GscBranch is close to 1.</param>
/// <param name="PredictedReduction">k² + 1.</param>
/// <param name="StandardErrorBranch">Standard error of GscBranch (0 when exact).</param>
/// <param name="StandardErrorUnit">Standard error of GscUnit (0 when exact).</param>
public sealed record DilutionEntry(
    int Position, string Block, double ResidualWeight, double Dilution,
    double GscBranch, double GscUnit, double PredictedGscUnit,
    double GrowthReduction, double LogGrowthReduction, double PredictedReduction,
    double StandardErrorBranch, double StandardErrorUnit, bool Exact);

public static class Dilution
{
    /// <summary>
    /// Dilution entries of every residual unit of the network at the forward on the tools' tape. Both GSCs come from
    /// one VJP of the weighted branch per unit vector u: J_fᵀu = u + J_ρᵀu, so ‖J_fᵀu‖² = ‖u‖² + 2⟨u, J_ρᵀu⟩ + ‖J_ρᵀu‖².
    /// </summary>
    /// <remarks>The units are independent (each has its own probe stream), so they run on the worker pool, each thread with
    /// its own scratch; every unit's arithmetic is the same on any thread.</remarks>
    public static IReadOnlyList<DilutionEntry> Compute<T>(JacobianTools<T> tools, JacobianMode mode = JacobianMode.Auto)
        where T : unmanaged, IFloatingPointIeee754<T> => Compute(tools, mode, WorkerPool.Shared);

    internal static IReadOnlyList<DilutionEntry> Compute<T>(JacobianTools<T> tools, JacobianMode mode, WorkerPool pool)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = tools.Network;
        var positions = Enumerable.Range(1, network.BlockCount)
            .Where(p => network.Blocks[network.BlockIndexOfPosition(p)] is ResidualUnit<T>).ToArray();
        var entries = new DilutionEntry[positions.Length];
        pool.For(positions.Length, new UnitWork<T>(new Units<T>(tools, tools.ResolveMode(mode), positions, entries)));
        return entries;
    }

    private readonly struct UnitWork<T>(Units<T> units) : IWorkItem where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int index) => units.Run(index);
    }

    private sealed class Units<T>(JacobianTools<T> tools, JacobianMode mode, int[] positions, DilutionEntry[] entries)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ScratchBag<BranchVjp<T>> _spare = new(() => new BranchVjp<T>());

        public void Run(int index)
        {
            using var vjp = _spare.Take();
            entries[index] = Entry(tools, positions[index], mode, vjp.Scratch);
        }
    }

    private static DilutionEntry Entry<T>(JacobianTools<T> tools, int position, JacobianMode mode, BranchVjp<T> vjp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = tools.Network;
        var tape = tools.Tape;
        int b = network.BlockIndexOfPosition(position);
        var unit = (ResidualUnit<T>)network.Blocks[b];
        var x = tape.Activations[b];
        var y = tape.Activations[b + 1];
        var cache = tape.BlockCaches[b];
        double w = unit.ResidualWeight;
        double logV = 0.5 * Math.Log(DiagMath.SumSquares<T>(x.Span));
        double logRho = 0.5 * Math.Log(DiagMath.SumSquares<T>(unit.BranchOutput(cache).Span)) + Math.Log(Math.Abs(w));
        double logF = 0.5 * Math.Log(DiagMath.SumSquares<T>(y.Span));
        var (branch, whole) = Frobenius(tools, unit, x, cache, vjp, mode, (ulong)position);
        double logN = Math.Log((double)x.Rows * x.Cols);
        double gBranch = Math.Exp(0.5 * (branch.LogSquared - logN) + logV - logRho);
        double gUnit = Math.Exp(0.5 * (whole.LogSquared - logN) + logV - logF);
        double k = Math.Exp(logV - logRho);
        double k2 = k * k;
        return new DilutionEntry(position, unit.Name, w, k, gBranch, gUnit,
            Math.Sqrt(1 + (gBranch * gBranch - 1) / (k2 + 1)),
            (gBranch * gBranch - 1) / (gUnit * gUnit - 1),
            Math.Log(gBranch) / Math.Log(gUnit),
            k2 + 1,
            0.5 * branch.RelativeStandardError * gBranch, 0.5 * whole.RelativeStandardError * gUnit,
            branch.Exact);
    }

    private static (FrobeniusEstimate Branch, FrobeniusEstimate Unit) Frobenius<T>(JacobianTools<T> tools, ResidualUnit<T> unit,
        Matrix<T> x, BlockCache<T> cache, BranchVjp<T> vjp, JacobianMode mode, ulong stream) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = x.Rows, dim = x.Cols;
        bool hutchinson = mode == JacobianMode.Hutchinson;
        bool perExample = mode == JacobianMode.ExactPerExample || (mode == JacobianMode.Exact && unit.CouplesExamples);
        int samples = hutchinson ? tools.Options.Probes : perExample ? batch * dim : dim;
        int chunk = Math.Clamp(tools.Options.MaxRows / batch, 1, samples);
        var seed = new Matrix<T>(0, 0);
        var dx = new Matrix<T>(0, 0);
        var rng = Rng.ForStream(tools.Options.ProbeSeed, 2000 + stream);
        var branchSamples = new List<double>();
        var unitSamples = new List<double>();
        double branchTotal = 0, unitTotal = 0;
        for (int start = 0; start < samples; start += chunk)
        {
            int count = Math.Min(chunk, samples - start);
            seed.Resize(count * batch, dim);
            if (hutchinson) DiagMath.FillGaussian(seed.Span, rng);
            else
            {
                seed.Clear();
                for (int c = 0; c < count; c++)
                {
                    int u = start + c;
                    if (perExample) seed[c * batch + u / dim, u % dim] = T.One;
                    else for (int e = 0; e < batch; e++) seed[c * batch + e, u] = T.One;
                }
            }
            vjp.WeightedBranch(unit, tools.Theta, x, cache, seed, dx);
            int segment = batch * dim;
            for (int c = 0; c < count; c++)
            {
                var us = seed.Span.Slice(c * segment, segment);
                var ds = dx.Span.Slice(c * segment, segment);
                double uu = DiagMath.SumSquares<T>(us), dd = DiagMath.SumSquares<T>(ds), ud = DiagMath.Dot<T>(us, ds);
                double whole = uu + 2 * ud + dd;
                branchTotal += dd; unitTotal += whole;
                if (hutchinson) { branchSamples.Add(Math.Log(dd)); unitSamples.Add(Math.Log(whole)); }
            }
        }
        if (hutchinson)
            return (JacobianTools<T>.MeanOfLogs(branchSamples.ToArray()), JacobianTools<T>.MeanOfLogs(unitSamples.ToArray()));
        return (new FrobeniusEstimate(Math.Log(branchTotal), 0, samples, true),
            new FrobeniusEstimate(Math.Log(unitTotal), 0, samples, true));
    }
}
