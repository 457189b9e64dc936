using GradScope.Networks;

namespace GradScope.Reproduction;

/// <summary>
/// One architecture of an initial-state study over every measured seed: the GSC fit on noise and on data (mean rate and
/// R², each seed's verdict kept), the rate's seed spread, and the collapse metrics of the first and last nonlinearity on
/// data averaged over the seeds. Studies show it and the claims judge it, so both read the same numbers.
/// </summary>
internal sealed record InitSummary(ArchitectureSpec Architecture, int LinearLayers, IReadOnlyList<InitCellResult> Noise,
    IReadOnlyList<InitCellResult> Data)
{
    public static InitSummary? Of(SweepResults results, string study, string architecture)
    {
        var noise = results.InitsOf(study, architecture, InitCellSpec.Noise);
        var data = results.InitsOf(study, architecture, InitCellSpec.Data);
        var first = noise.Concat(data).FirstOrDefault();
        return first is null ? null : new InitSummary(first.Architecture, first.LinearLayers, noise, data);
    }

    public int Seeds => Math.Max(Noise.Count, Data.Count);

    public GradientFit? NoiseFit => Fit(Noise);
    public GradientFit? DataFit => Fit(Data);
    public SeedSpread? NoiseRate => SeedSpread.Of(Noise.Select(r => r.Measurements.GscRate));

    /// <summary>Per seed on data: (first, last) nonlinearity's sign diversity, pre-activation std and pseudo-linearity.</summary>
    private IReadOnlyList<(Diagnostics.PositionCollapse In, Diagnostics.PositionCollapse Out)> Ends =>
        [.. Data.Select(r => StudyText.Ends(r.Measurements)).Where(e => e.Input is not null && e.Output is not null)
            .Select(e => (e.Input!, e.Output!))];

    public bool HasCollapse => Ends.Count > 0;
    public double? SignIn => Mean(e => e.In.SignDiversity);
    public double? SignOut => Mean(e => e.Out.SignDiversity);
    public double? StdIn => Mean(e => e.In.PreActivationStd);
    public double? StdOut => Mean(e => e.Out.PreActivationStd);
    public double? PseudoIn => Mean(e => e.In.PseudoLinearity);
    public double? PseudoOut => Mean(e => e.Out.PseudoLinearity);

    /// <summary>
    /// The collapse metrics on the seed means with the exploding verdict on noise, and each seed's own; null without both
    /// measurements. Seeds pair up by position (seed order of the noise and of the data cells).
    /// </summary>
    public CollapseAtInit? Collapse()
    {
        if (NoiseFit is not { } fit || !HasCollapse) return null;
        var ends = Ends;
        var perSeed = ends.Select((e, i) => Of(fit.AtSeed(i).Exploding, e.In, e.Out)).ToList();
        return new CollapseAtInit(Architecture, fit.Exploding, SignIn!.Value, SignOut!.Value, PseudoIn, PseudoOut,
            perSeed.Count > 1 ? perSeed : null);
    }

    private CollapseAtInit Of(bool exploding, Diagnostics.PositionCollapse i, Diagnostics.PositionCollapse o) =>
        new(Architecture, exploding, i.SignDiversity, o.SignDiversity, i.PseudoLinearity, o.PseudoLinearity);

    private double? Mean(Func<(Diagnostics.PositionCollapse In, Diagnostics.PositionCollapse Out), double> value)
    {
        var values = Ends.Select(value).Where(double.IsFinite).ToList();
        return values.Count == 0 ? null : values.Average();
    }

    private GradientFit? Fit(IReadOnlyList<InitCellResult> cells) => GradientFit.OverSeeds(Architecture, LinearLayers,
        cells.Select(r => (r.Measurements.GscRate, (double?)r.Measurements.Gsc.R2)));
}
