namespace GradScope.Networks;

/// <summary>Order of the layers inside a residual unit's branch (SPEC §1.2, §7).</summary>
public enum BranchLayout
{
    /// <summary>
    /// (linear → [norm] → act) × m, the original layout: with ReLU the branch output is non-negative, so branch outputs
    /// add coherently over the units and the residual stream drifts (measured in docs/faithfulness.md).
    /// </summary>
    PostActivation,
    /// <summary>
    /// ([norm] → act → linear) × m, the pre-activation layout of He et al. (2016, "Identity mappings in deep residual
    /// networks"): the branch ends in a linear map, so its outputs have both signs whatever the nonlinearity.
    /// </summary>
    PreActivation,
}

/// <summary>The short names of a layout, <c>pre</c> and <c>post</c>: what <c>--branch-layout</c> takes and run names carry.</summary>
public static class BranchLayoutNames
{
    public static string Short(BranchLayout layout) => layout == BranchLayout.PreActivation ? "pre" : "post";

    public static BranchLayout Parse(string name, string source) => name switch
    {
        "pre" => BranchLayout.PreActivation,
        "post" => BranchLayout.PostActivation,
        _ => throw new ArgumentException($"{source} must be pre or post (got '{name}')."),
    };
}
