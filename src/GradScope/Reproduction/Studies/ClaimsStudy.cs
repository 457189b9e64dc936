using GradScope.Diagnostics;
using GradScope.Networks;
using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>
/// Study 7: each claim of the paper checked as a test. The rules (Reproduction/Claims) are pure functions of typed
/// inputs; this study only gathers those inputs from the other studies' results and renders the verdicts.
/// </summary>
internal static class ClaimsStudy
{
    public static IReadOnlyList<ClaimCheck> Check(SweepResults results)
    {
        var fits = InitFits(results, StudyIds.Init);
        var trained = TrainingStudy.Searches(results).Select(Trained).OfType<TrainedNet>().ToList();
        return
        [
            ExplodingGradientsPersist.Judge(fits),
            AdamDoesNotCure.Judge(trained),
            EffectiveDepthLimitedByExplosion.Judge(trained),
            ResnetsDeeperEffectiveDepth.Judge(TrainedPairs(trained)),
            CollapsingDomain.Judge(Collapse(results)),
            ResnetsLowerGsc.Judge(FitPairs(fits)),
            DilutionK2Plus1.Judge(DilutionUnits(results)),
            TaylorDepthReduction.Judge(TaylorNets(results)),
            OrthogonalInitialState.Judge(InitialState(results, "relu"),
                [.. results.ArchitectureSpecsOf(StudyIds.Orthogonal).Where(OrthogonalInitialState.IsCandidate).Select(a =>
                    InitialState(results, a.Name)!)]),
            WidthOverDepth.Judge([.. WidthDepthStudy.Rows(results).Where(r => r.TrainError is not null)
                .Select(r => new DepthPoint(r.Architecture, r.Depth, r.Width, r.TrainError!))]),
        ];
    }

    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Claims, "Claims of the paper");
        section.AddIntro("Each claim of the paper checked as a test: the criterion states the rule and its thresholds, the verdict " +
            "says whether the numbers measured above pass it, and the evidence lists every measurement the rule read. A verdict " +
            "that goes against the paper is reported as such. **Inconclusive** means cells are missing, the difference is within " +
            "the seed-to-seed spread or the seeds disagree. Effective depth is judged by gradient truncation, not by the SPEC's " +
            "λ-share (docs/faithfulness.md §4); both are shown. Each claim names the study CSV columns (in `studies/`) from which " +
            "its verdict can be recomputed.");
        var output = new StudyOutput(StudyIds.Claims, section);
        var claims = Check(results);
        var table = section.AddClaims();
        foreach (var c in claims)
            table.Add(new Claim(c.Statement, c.Reason, c.Verdict)
            {
                Id = c.Id, Criterion = c.Criterion, Evidence = c.Evidence, Sources = c.Sources,
            });
        output.Set("claims", claims.Select(c => new
        {
            id = c.Id, statement = c.Statement, criterion = c.Criterion, verdict = VerdictName(c.Verdict), reason = c.Reason,
            evidence = c.Evidence, sources = c.Sources,
        }).ToList());
        output.AddCsv("claims", ["id", "statement", "criterion", "verdict", "reason", "evidence", "sources"],
            claims.Select(c => new object?[]
            {
                c.Id, c.Statement, c.Criterion, VerdictName(c.Verdict), c.Reason, string.Join(" | ", c.Evidence), c.Sources,
            }));
        return output;
    }

    /// <summary>The verdict as written in claims.json and claims.csv.</summary>
    public static string VerdictName(ClaimVerdict verdict) => VerdictLabels.Text(verdict);

    private static List<GradientFit> InitFits(SweepResults results, string study) =>
        [.. results.ArchitecturesOf(study).Select(a => InitSummary.Of(results, study, a)?.NoiseFit).OfType<GradientFit>()];

    /// <summary>A fit over the seeds of a search's best learning rate, of the initial or the final diagnostics.</summary>
    private static GradientFit? Fit(SearchResult s, Func<TrainCellResult, DiagnosticsReport?> state) =>
        s.Best is not { } best ? null : GradientFit.OverSeeds(best.Architecture, best.LinearLayers,
            s.BestRuns.Select(r => state(r) is { } m ? (m.GscRate, (double?)m.Gsc.R2) : (null, null)));

    private static TrainedNet? Trained(SearchResult s) => s.Best is not { } best ? null : new TrainedNet(best.Architecture,
        s.Optimizer, Fit(s, r => r.Initial), Fit(s, r => r.Final), s.Spread(r => r.Final?.TruncationEffectiveDepth), best.Blocks,
        s.Spread(r => r.TrainError), s.Spread(r => r.Final?.EffectiveDepth));

    private static string VanillaName(ArchitectureSpec a) => a.PlainCounterpart.Name;

    private static List<ResnetsDeeperEffectiveDepth.Pair> TrainedPairs(IReadOnlyList<TrainedNet> nets) =>
        [.. from res in nets where res.Architecture.IsResidual
            from van in nets where !van.Architecture.IsResidual && van.Optimizer == res.Optimizer
                && van.Architecture.Name == VanillaName(res.Architecture)
            select new ResnetsDeeperEffectiveDepth.Pair(res, van)];

    private static List<ResnetsLowerGsc.Pair> FitPairs(IReadOnlyList<GradientFit> fits) =>
        [.. from res in fits where res.Architecture.IsResidual
            from van in fits where van.Architecture.Name == VanillaName(res.Architecture)
            select new ResnetsLowerGsc.Pair(res, van)];

    private static List<CollapseAtInit> Collapse(SweepResults results) =>
        [.. results.ArchitecturesOf(StudyIds.Init).Select(a => InitSummary.Of(results, StudyIds.Init, a)?.Collapse())
            .OfType<CollapseAtInit>()];

    private static List<DilutedUnit> DilutionUnits(SweepResults results) =>
        [.. DilutionStudy.Runs(results).SelectMany(r => (r.Units ?? [])
            .Select(u => new DilutedUnit(r.Architecture, r.ResidualWeight, u.Position, u.Dilution, u.GscBranch, u.GscUnit, r.Seed)))];

    /// <summary>Every search whose best learning rate ran the Taylor experiment, with each of its seeds.</summary>
    internal static List<TaylorNet> TaylorNets(SweepResults results) =>
        [.. TrainingStudy.Searches(results).Select(s => (Search: s, Seeds: s.BestRuns
                .Where(r => r.Taylor.Count > 1 && r.Final?.TruncationEffectiveDepth is not null)
                .Select(r => new TaylorSeed(r.Final!.TruncationEffectiveDepth!.Value, r.Final.EffectiveDepth,
                    r.TaylorFrom(TaylorSide.NearestInput), r.TaylorFrom(TaylorSide.NearestOutput))).ToList()))
            .Where(t => t.Seeds.Count > 0)
            .Select(t => new TaylorNet($"{t.Search.Architecture}/{Training.Optimizer<float>.KindName(t.Search.Optimizer)}",
                t.Search.Best!.Blocks, t.Seeds))];

    private static InitialStateNet? InitialState(SweepResults results, string architecture)
    {
        var row = OrthogonalStudy.Rows(results).FirstOrDefault(r => r.Architecture == architecture);
        if (row is null) return null;
        var spec = results.ArchitectureSpecsOf(StudyIds.Orthogonal).First(a => a.Name == architecture);
        return new InitialStateNet(row.NoiseFit, row.TrainError, spec);
    }
}
