using GradScope.Diagnostics;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Claim 8: networks of larger effective depth lose accuracy at fewer linearised blocks.</summary>
public static class TaylorDepthReduction
{
    public const string Id = "taylor-depth-reduction";
    public const string Statement = "Residual trick: a network of larger effective depth loses accuracy sooner when its blocks " +
        "are replaced by their first-order expansion around the initial functions (Taylor experiment).";
    public static string Criterion { get; } = "For each trained network (best learning rate) and each side (the m blocks nearest " +
        "the input replaced, and the m nearest the output), the onset is the first m whose training error exceeds m = 0's by 5 " +
        "points (never: L + 1); onset and effective depth by gradient truncation (" + EffectiveDepthDefinition.Note + ") both as " +
        "fractions of the blocks L, averaged over the seeds. Over at least 4 networks, holds when Spearman ρ(effective depth, " +
        "onset) ≤ −0.3 on both sides; does not hold when ρ ≥ 0 on either side; inconclusive between, with fewer networks or " +
        "with a side not measured. The same rule is applied to each seed alone; when a seed's verdict differs from the one on " +
        "the means, the claim is inconclusive.";
    public const string Sources = "taylor.csv: architecture, optimizer, seed, side, replaced, train_error; taylor-onset.csv: " +
        "architecture, optimizer, seed, blocks, truncation_effective_depth, effective_depth, onset_input_side, onset_output_side";

    private static readonly TaylorSide[] Sides = [TaylorSide.NearestInput, TaylorSide.NearestOutput];

    public static string SideName(TaylorSide side) => side == TaylorSide.NearestInput ? "input side" : "output side";

    public static ClaimCheck Judge(IReadOnlyList<TaylorNet> nets)
    {
        var evidence = nets.SelectMany(Describe).ToList();
        ClaimCheck Check((ClaimVerdict Verdict, string Reason) r) => new(Id, Statement, Criterion, r.Verdict, r.Reason, evidence, Sources);
        var pooled = Check(Rule([.. nets.Select(n => Sides.Select(side => n.Mean(side)).ToArray())]));
        return ClaimCheck.AcrossSeeds(pooled, nets.Select(n => n.Seeds.Count).DefaultIfEmpty(1).Max(), s => Check(Rule(
            [.. nets.Where(n => n.Seeds.Count > s).Select(n => Sides.Select(side => SeedPoint(n, n.Seeds[s], side)).ToArray())])));
    }

    private static (double Depth, double Onset)? SeedPoint(TaylorNet n, TaylorSeed seed, TaylorSide side) =>
        n.RelativeOnset(seed, side) is double onset ? (n.RelativeDepth(seed), onset) : null;

    /// <summary>The verdict from each network's (relative depth, relative onset) per side (null: side not measured).</summary>
    private static (ClaimVerdict, string) Rule(IReadOnlyList<(double Depth, double Onset)?[]> nets)
    {
        var rhos = new List<string>();
        bool bothSupport = true, anyContradicts = false;
        for (int i = 0; i < Sides.Length; i++)
        {
            var points = nets.Select(n => n[i]).OfType<(double Depth, double Onset)>().ToList();
            if (points.Count < ClaimThresholds.MinimumNetworks)
            {
                rhos.Add($"{SideName(Sides[i])}: {points.Count} networks (needs {ClaimThresholds.MinimumNetworks})");
                bothSupport = false;
                continue;
            }
            double rho = Spearman.Rank([.. points.Select(p => p.Depth)], [.. points.Select(p => p.Onset)]);
            rhos.Add($"{SideName(Sides[i])}: Spearman ρ = {StudyText.F(rho)} over {points.Count} networks");
            bothSupport &= rho <= ClaimThresholds.TaylorRho;
            anyContradicts |= rho >= 0;
        }
        var verdict = anyContradicts ? ClaimVerdict.DoesNotHold : bothSupport ? ClaimVerdict.Holds : ClaimVerdict.Inconclusive;
        return (verdict, string.Join("; ", rhos));
    }

    private static IEnumerable<string> Describe(TaylorNet n) => n.Seeds.Select((s, i) =>
        $"{n.Label} seed #{i + 1}: effective depth {StudyText.F(s.EffectiveDepth)}/{n.Blocks} by truncation" +
        (s.SpecEffectiveDepth is double spec ? $" (SPEC λ-share {StudyText.F(spec)})" : "") + ", onset " +
        string.Join(", ", Sides.Select(side => $"{SideName(side)} {OnsetText(s.Side(side))}")));

    private static string OnsetText(IReadOnlyList<TaylorPoint> points) =>
        points.Count < 2 ? "not measured" : TaylorNet.Onset(points) is int m ? $"m = {m}" : "none up to the last m";
}
