using static GradScope.Diagnostics.PathologyThresholds;
using GradScope.Layers;
using GradScope.Networks;
using static GradScope.Diagnostics.Diagnosis.DiagnosisThresholds;
using static GradScope.Diagnostics.Diagnosis.EvidenceFormat;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>
/// Recommendations that follow from findings, each citing its mechanism from the paper (Philipp, Song &amp; Carbonell,
/// "The exploding gradient problem demystified"). A recommendation appears only when its finding does; alternatives
/// are zoo specs at the original's parameter budget and only exist when the analysed network is a zoo network.
/// </summary>
public static class Recommender
{
    public static IReadOnlyList<Recommendation> Recommend(IReadOnlyList<Finding> findings, Measurements m)
    {
        var result = new List<Recommendation>();
        var spec = m.Spec;
        long budget = spec?.TrainableParameters ?? 0;
        foreach (var finding in findings)
        {
            var recommendation = finding.Kind switch
            {
                FindingKind.ExplodingGradients => Exploding(spec, m, budget),
                FindingKind.VanishingGradients => Vanishing(spec, m, budget),
                FindingKind.CollapsingDomain => Collapsing(spec, m, budget),
                FindingKind.DeadOrAlwaysOnRelus => DeadRelus(spec, budget),
                FindingKind.LowEffectiveDepth => LowEffectiveDepth(spec, m, budget),
                FindingKind.WeakDilution => WeakDilution(spec, m),
                _ => null,
            };
            if (recommendation is not null) result.Add(recommendation);
        }
        return result;
    }

    private static Recommendation Exploding(ArchitectureSpec? spec, Measurements m, long budget)
    {
        var alternatives = new List<Alternative>();
        if (spec is not null && !spec.IsResidual)
        {
            alternatives.Add(OrthogonalInitialState(spec, budget));
            alternatives.Add(ResidualVersion(spec, budget));
        }
        if (spec is not null && ShallowerDepth(spec, m) is int depth) alternatives.Add(ShallowerAndWider(spec, depth, budget));

        if (spec is { Normalization: NormKind.Batch, IsResidual: false } || (spec is null && m.CouplesExamples))
            return new Recommendation(FindingKind.ExplodingGradients,
                "Add residual connections (a ResNet of the same family) or start from a looks-linear / orthogonal initial state without " +
                    "batch norm.",
                "Batch normalisation itself makes plain MLPs explode: normalising each unit over the batch makes the layer's " +
                $"Jacobian grow the gradient scale (≈ √(π/(π−1)) = {Number(MeanFieldTheory.BatchNormReluRate)} per ReLU layer at " +
                "initialisation, Yang et al. 2019), so normalisation does not remove exploding gradients (paper, claim 1). " +
                "Residual connections dilute each layer's growth; an orthogonal initial state has GSC 1 between all layers.",
                alternatives);
        if (spec is { IsResidual: true })
            return new Recommendation(FindingKind.ExplodingGradients,
                "Raise the dilution of the residual units (smaller residual weight w_r) or use fewer, wider units.",
                "In a ResNet each unit reduces its branch's log gradient growth about k² + 1-fold (the Pythagorean relation, " +
                "paper §ResNets); growth that still explodes means the units are not diluted enough for their number.",
                alternatives);
        return new Recommendation(FindingKind.ExplodingGradients,
            "Start from an orthogonal initial state (looks-linear for ReLU, orthogonal weights otherwise) or add residual connections.",
            "Gradients explode when each layer's Jacobian stretches a random direction by more than the activations grow " +
            "(mean-field χ > 1 at the variance fixed point, e.g. SeLU √χ ≈ 1.035); an orthogonal initial state makes every layer an " +
            "isometry and residual connections dilute the growth (paper, solutions).",
            alternatives);
    }

    private static Recommendation Vanishing(ArchitectureSpec? spec, Measurements m, long budget)
    {
        var alternatives = spec is null || spec.IsResidual ? new List<Alternative>() : [OrthogonalInitialState(spec, budget),
            ResidualVersion(spec, budget)];
        return new Recommendation(FindingKind.VanishingGradients,
            "Start from an orthogonal initial state (looks-linear for ReLU) or add residual connections; check the weight gain.",
            "Each layer shrinks a random direction more than the activations shrink (mean-field χ < 1 at the fixed point), so input-side " +
            "layers receive almost no gradient; an isometric (orthogonal) initial state or a skip connection keeps χ at 1.",
            alternatives);
    }

    private static Recommendation Collapsing(ArchitectureSpec? spec, Measurements m, long budget)
    {
        var alternatives = new List<Alternative>();
        if (spec is not null && !(spec.Init == InitKind.LooksLinear && spec.Normalization == NormKind.None))
        {
            alternatives.Add(OrthogonalInitialState(spec, budget));
            if (!spec.IsResidual) alternatives.Add(ResidualVersion(spec, budget));
        }
        bool tanh = spec?.Activation == ActivationKind.Tanh || m.Nonlinearities.Any(n => n.Activation == "tanh");
        return new Recommendation(FindingKind.CollapsingDomain,
            tanh ? "Start from an orthogonal initial state (orthogonal weights), or add residual connections."
                 : "Start from an orthogonal initial state (looks-linear for ReLU), or add residual connections.",
            "A collapsing domain makes the pre-activations so similar that each nonlinearity acts (pseudo-)linearly, so the network " +
            "is effectively shallow and cannot use its depth (paper, claim 2). An orthogonal initial state — the whole initial network " +
            "an orthogonal map, which looks-linear ReLU nets and (approximately) ResNets achieve — preserves the distances between " +
            "examples, so the domain cannot collapse; for tanh only the weights can be orthogonal, which keeps each linear map an " +
            "isometry but not the tanh, so the what-if measurement decides between that and skip connections.",
            alternatives);
    }

    private static Recommendation DeadRelus(ArchitectureSpec? spec, long budget)
    {
        var alternatives = spec is { Activation: ActivationKind.Relu } && spec.Init != InitKind.LooksLinear
            ? new List<Alternative> { OrthogonalInitialState(spec, budget) } : [];
        return new Recommendation(FindingKind.DeadOrAlwaysOnRelus,
            "Use a looks-linear initial state, or normalise before the ReLU; for a trained net lower the learning rate.",
            "A ReLU that sees one sign over the whole batch is either dead (no gradient flows) or the identity (no nonlinearity): the " +
            "layer spends parameters without adding composition. Looks-linear pairs z and −z so that exactly one of each pair is active; " +
            "normalisation centres every unit so both signs occur.",
            alternatives);
    }

    private static Recommendation LowEffectiveDepth(ArchitectureSpec? spec, Measurements m, long budget)
    {
        var alternatives = new List<Alternative>();
        if (spec is not null && ShallowerDepth(spec, m) is int depth) alternatives.Add(ShallowerAndWider(spec, depth, budget));
        return new Recommendation(FindingKind.LowEffectiveDepth,
            alternatives.Count > 0
                ? $"Use a shallower, wider network at the same parameter count: depth {alternatives[0].Spec.LinearLayers}, width " +
                    $"{alternatives[0].Spec.Width}."
                : "Use a shallower, wider network at the same parameter count.",
            "Exploding gradients and collapsing domains keep the effective depth of a trained network far below its compositional " +
            "depth (paper, claim 2: deep networks are shallow); the unused depth costs parameters that width would put to use.",
            alternatives);
    }

    private static Recommendation WeakDilution(ArchitectureSpec? spec, Measurements m)
    {
        double meanK = DilutionRules.MeanDilution(m);
        double branch = Math.Exp(m.Dilution.Average(d => Math.Log(Math.Max(d.GscBranch, 1e-300))));
        double targetK = DilutionTarget.For(branch, m.Dilution.Count);
        double wr = m.Dilution[0].ResidualWeight;
        double suggested = DilutionTarget.ResidualWeightFor(wr, meanK, targetK);
        var alternatives = spec is null ? new List<Alternative>()
            : [new Alternative($"residual weight {Number(suggested)}", spec.WithResidualWeight(suggested), targetK)];
        return new Recommendation(FindingKind.WeakDilution,
            $"Raise the dilution to k ≈ {Number(targetK)}: residual weight w_r ≈ {Number(suggested)} instead of {Number(wr)} " +
            $"(--residual-weight {Number(suggested)}).",
            "The Pythagorean relation ‖v + ρ(v)‖² ≈ ‖v‖² + ‖ρ(v)‖² makes a unit diluted by k cut its branch's gradient growth about " +
            $"(k² + 1)-fold (paper, claim 4); with the measured branch GSC {Number(branch)} over {m.Dilution.Count} units, k ≈ " +
                $"{Number(targetK)} " +
            $"keeps the total growth under {Number(ExplodingGrowth)}. k scales as 1/w_r, hence the weight.",
            alternatives);
    }

    /// <summary>The same activation from an orthogonal initial state: looks-linear for ReLU, orthogonal otherwise; batch norm dropped
    /// (it breaks the isometry by normalising with batch statistics).</summary>
    public static Alternative OrthogonalInitialState(ArchitectureSpec spec, long budget)
    {
        bool relu = spec.Activation == ActivationKind.Relu;
        var shaped = spec.WithFamily(
            init: relu ? InitKind.LooksLinear : InitKind.Orthogonal,
            normalization: relu || spec.Normalization == NormKind.Batch ? NormKind.None : spec.Normalization,
            parameterBudget: budget);
        return new Alternative(relu ? "looks-linear init" : "orthogonal init", shaped);
    }

    /// <summary>The ResNet of the same family; its residual weight is tuned to the dilution target by <see cref="WhatIf"/>.</summary>
    public static Alternative ResidualVersion(ArchitectureSpec spec, long budget)
    {
        // A ResNet needs an input map plus at least one residual layer; w_r back to its default 1/√U.
        var shaped = spec.WithSizes(spec.Sizes with { LinearLayers = Math.Max(2, spec.LinearLayers), ResidualWeight = null })
            .WithFamily(residual: true, init: spec.Init == InitKind.LooksLinear ? InitKind.Gauss : spec.Init, parameterBudget: budget);
        return new Alternative("residual version", shaped, double.NaN);
    }

    public static Alternative ShallowerAndWider(ArchitectureSpec spec, int depth, long budget) =>
        new($"depth {depth}, wider", spec.AtParameterBudget(depth, budget));

    /// <summary>
    /// A depth that the measured growth allows (r^d ≤ <see cref="ExplodingGrowth"/>) and, for a trained net, about twice the
    /// effective depth; null when that is not shallower than the network itself.
    /// </summary>
    public static int? ShallowerDepth(ArchitectureSpec spec, Measurements m)
    {
        var candidates = new List<int>();
        if (m.Rate > 1 && double.IsFinite(m.Rate)) candidates.Add((int)Math.Floor(Math.Log(ExplodingGrowth) / Math.Log(m.Rate)));
        if (m.EffectiveDepth is int effective)
            candidates.Add(spec.IsResidual ? 1 + spec.UnitSize * Math.Max(1, 2 * effective) : Math.Max(2, 2 * effective));
        if (candidates.Count == 0) return null;
        int depth = Math.Max(spec.IsResidual ? 3 : 2, candidates.Min());
        return depth < spec.LinearLayers ? depth : null;
    }
}
