using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using GradScope.Layers;

namespace GradScope.Networks;

public enum NormKind { None, Batch, Layer }

public enum InitKind
{
    /// <summary>Gaussian with variance gain / fan_in (suffix <c>-gauss</c>, the default).</summary>
    Gauss,
    /// <summary>Haar-random (semi-)orthogonal scaled by √gain (suffix <c>-orth</c>).</summary>
    Orthogonal,
    /// <summary>Looks-linear mirrored orthogonal weights, ReLU only (suffix <c>-ll</c>).</summary>
    LooksLinear,
}

/// <summary>
/// Everything that defines a zoo network (SPEC §1.2): the family named by
/// <c>[resnet-][batch-|layer-](relu|tanh|selu|linear)[-gauss|-orth|-ll]</c>, its <see cref="NetworkSizes"/> and the
/// <see cref="DataShape"/> of its data. <see cref="Create"/> is the only place a name is parsed and sizes applied;
/// studies read the family from the typed properties, never from the name. The JSON form is documented in
/// docs/checkpoint-format.md (field names there are the file format's, kept stable).
/// </summary>
public sealed record ArchitectureSpec : IJsonOnDeserializing
{
    public const string Grammar = "[resnet-][batch-|layer-](relu|tanh|selu|linear)[-gauss|-orth|-ll]";

    /// <summary>Residual units after a plain input map (prefix <c>resnet-</c>). Stored as <c>residual</c>.</summary>
    [JsonPropertyName("residual")]
    public required bool IsResidual { get; init; }
    /// <summary>Normalisation after every linear layer (prefix <c>batch-</c> or <c>layer-</c>). Stored as <c>norm</c>.</summary>
    [JsonPropertyName("norm")]
    public required NormKind Normalization { get; init; }
    public required ActivationKind Activation { get; init; }
    public required InitKind Init { get; init; }

    /// <summary>
    /// Linear layers, the output layer excluded (the compositional depth; see <see cref="NetworkSizes.LinearLayers"/>).
    /// Stored as <c>depth</c>, the word of the paper and of <c>--depth</c>.
    /// </summary>
    [JsonPropertyName("depth")]
    public required int LinearLayers { get; init; }
    public required int Width { get; init; }
    public required int InputDim { get; init; }
    public required int Classes { get; init; }
    /// <summary>m, linear layers per residual unit.</summary>
    public required int UnitSize { get; init; }
    /// <summary>w_r, the branch weight; null means 1/√U for U residual units.</summary>
    public double? ResidualWeight { get; init; }
    private BranchLayout _branchLayout = DefaultBranchLayout;

    /// <summary>Layer order inside a residual branch (ignored by non-residual networks).</summary>
    public BranchLayout BranchLayout { get => _branchLayout; init => _branchLayout = value; }

    /// <summary>
    /// JSON written before the layout existed (checkpoints, run and cell files) has no <c>branch_layout</c>; all of it used
    /// the post-activation layout, so that is what a missing field means — not the current default.
    /// </summary>
    void IJsonOnDeserializing.OnDeserializing() => _branchLayout = BranchLayout.PostActivation;

    /// <summary>The branch layout chosen from the evidence in docs/faithfulness.md (SPEC §7).</summary>
    public const BranchLayout DefaultBranchLayout = BranchLayout.PreActivation;

    /// <summary>Batch or layer normalisation.</summary>
    [JsonIgnore]
    public bool IsNormalized => Normalization != NormKind.None;

    /// <summary>Looks-linear initialisation (suffix <c>-ll</c>).</summary>
    [JsonIgnore]
    public bool IsLooksLinear => Init == InitKind.LooksLinear;

    /// <summary>The same network without residual units (what <c>resnet-X</c> is compared with: <c>X</c>).</summary>
    [JsonIgnore]
    public ArchitectureSpec PlainCounterpart => this with { IsResidual = false, ResidualWeight = null };

    /// <summary>The sizes this spec was created with.</summary>
    [JsonIgnore]
    public NetworkSizes Sizes => new() { LinearLayers = LinearLayers, Width = Width, UnitSize = UnitSize, ResidualWeight = ResidualWeight };

    [JsonIgnore]
    public DataShape Shape => new(InputDim, Classes);

    /// <summary>The canonical name, e.g. <c>resnet-batch-relu-orth</c> (the default init suffix is omitted).</summary>
    public string Name =>
        (IsResidual ? "resnet-" : "") +
        Normalization switch { NormKind.Batch => "batch-", NormKind.Layer => "layer-", _ => "" } +
        Activation.ToString().ToLowerInvariant() +
        Init switch { InitKind.Orthogonal => "-orth", InitKind.LooksLinear => "-ll", _ => "" };

    /// <summary>
    /// Number of residual units U: the linear layers after the input map, in groups of m (the last may be shorter).
    /// </summary>
    public int ResidualUnits => IsResidual ? (LinearLayers - 1 + UnitSize - 1) / UnitSize : 0;

    /// <summary>Number of blocks L (positions 1..L): a residual unit is one block, so L &lt; linear layers for ResNets.</summary>
    public int BlockCount => IsResidual ? 1 + ResidualUnits : LinearLayers;

    public double EffectiveResidualWeight => ResidualWeight ?? (ResidualUnits > 0 ? 1.0 / Math.Sqrt(ResidualUnits) : 1.0);

    /// <summary>Weight-variance gain of hidden layers: 2 for relu (He), 1 otherwise (SPEC §1.2).</summary>
    public double HiddenGain => Activation == ActivationKind.Relu ? 2.0 : 1.0;

    /// <summary>
    /// Trainable parameters in closed form, the same count <see cref="NetworkBuilder"/> registers: every linear layer
    /// (weights and bias; a ResNet groups the same layers into units, w_r is a constant), gain and bias of every norm
    /// layer, and the output layer. Running statistics are not trainable.
    /// </summary>
    [JsonIgnore]
    public long TrainableParameters => TrainableParametersAt(LinearLayers, Width);

    private long TrainableParametersAt(int linearLayers, int width)
    {
        long w = width;
        long linear = (InputDim * w + w) + (linearLayers - 1) * (w * w + w);
        long norms = IsNormalized ? linearLayers * 2 * w : 0;
        long output = w * Classes + Classes;
        return linear + norms + output;
    }

    /// <summary>Widths the budget search tries at most: far beyond any network this engine trains.</summary>
    private const int MaxBudgetWidth = 1 << 16;

    /// <summary>
    /// This network at <paramref name="linearLayers"/> linear layers with the largest even width whose trainable
    /// parameters stay within <paramref name="budget"/> (the width-versus-depth study and analyze's what-if
    /// alternatives compare networks at one budget). Even widths, so that every family of a comparison, looks-linear
    /// included (it mirrors half-width blocks), gets the same width grid. When even the narrowest width the family
    /// allows exceeds the budget, that narrowest width. The count grows with width, so a bisection finds it.
    /// </summary>
    public ArchitectureSpec AtParameterBudget(int linearLayers, long budget)
    {
        long Count(int width) => TrainableParametersAt(linearLayers, width);
        int lo = IsLooksLinear ? Math.Max(2, 2 * Classes) : 2, hi = lo;
        while (Count(hi) <= budget && hi < MaxBudgetWidth) hi *= 2;
        while (hi - lo > 2)
        {
            int mid = (lo + hi) / 2 & ~1;
            if (mid <= lo) break;
            if (Count(mid) <= budget) lo = mid; else hi = mid;
        }
        return WithSizes(Sizes with { LinearLayers = linearLayers, Width = lo });
    }

    /// <summary>
    /// This network with other sizes; family, data shape and branch layout are kept. Checked like <see cref="Create"/>,
    /// which is why code outside this record changes a spec through these methods and not with <c>with { }</c>.
    /// </summary>
    public ArchitectureSpec WithSizes(NetworkSizes sizes) => (this with
    {
        LinearLayers = sizes.LinearLayers, Width = sizes.Width, UnitSize = sizes.UnitSize, ResidualWeight = sizes.ResidualWeight,
    }).Validate();

    /// <summary>This network with branch weight w_r (null: 1/√U).</summary>
    public ArchitectureSpec WithResidualWeight(double? residualWeight) => WithSizes(Sizes with { ResidualWeight = residualWeight });

    /// <summary>
    /// This network with parts of its family replaced (the parts not given are kept), as if <see cref="Create"/> had been
    /// given the other name: checked the same way, e.g. looks-linear needs relu and an even width. With
    /// <paramref name="parameterBudget"/> the width is chosen for that budget at this depth (<see cref="AtParameterBudget"/>)
    /// before the check, since the old width may not suit the new family.
    /// </summary>
    public ArchitectureSpec WithFamily(bool? residual = null, NormKind? normalization = null, InitKind? init = null,
        long? parameterBudget = null)
    {
        var changed = this with
        {
            IsResidual = residual ?? IsResidual, Normalization = normalization ?? Normalization, Init = init ?? Init,
        };
        return parameterBudget is long budget ? changed.AtParameterBudget(LinearLayers, budget) : changed.Validate();
    }

    private static readonly Regex NamePattern = new(
        "^(?<res>resnet-)?(?<norm>batch-|layer-)?(?<act>relu|tanh|selu|linear)(?<init>-gauss|-orth|-ll)?$",
        RegexOptions.CultureInvariant);

    /// <summary>
    /// The network <paramref name="name"/> with the given sizes (default: SPEC's) for data of <paramref name="shape"/>, its
    /// residual branches in <paramref name="layout"/> (ignored by plain networks).
    /// </summary>
    public static ArchitectureSpec Create(string name, DataShape shape, NetworkSizes? sizes = null,
        BranchLayout layout = DefaultBranchLayout)
    {
        var (residual, norm, activation, init) = ParseFamily(name);
        sizes ??= NetworkSizes.Default;
        // One line per source: the name, the sizes, the data and layout.
        return new ArchitectureSpec
        {
            IsResidual = residual, Normalization = norm, Activation = activation, Init = init,
            LinearLayers = sizes.LinearLayers, Width = sizes.Width, UnitSize = sizes.UnitSize, ResidualWeight = sizes.ResidualWeight,
            InputDim = shape.InputDim, Classes = shape.Classes, BranchLayout = layout,
        }.Validate();
    }

    /// <summary>Throws the one-line explanation of a bad name, for checks made before the data shape is known.</summary>
    public static void CheckName(string name) => ParseFamily(name);

    private static (bool Residual, NormKind Norm, ActivationKind Activation, InitKind Init) ParseFamily(string name)
    {
        var match = NamePattern.Match(name.Trim().ToLowerInvariant());
        if (!match.Success)
            throw new ArgumentException(
                $"Unknown architecture '{name}'. Valid names follow {Grammar}, " +
                "e.g. batch-relu, layer-tanh-orth, resnet-batch-relu, relu-ll.");
        var activation = Enum.Parse<ActivationKind>(match.Groups["act"].Value, ignoreCase: true);
        var init = match.Groups["init"].Value switch { "-orth" => InitKind.Orthogonal, "-ll" => InitKind.LooksLinear, _ => InitKind.Gauss };
        CheckLooksLinear(init, activation, $"'{name}'");
        var norm = match.Groups["norm"].Value switch { "batch-" => NormKind.Batch, "layer-" => NormKind.Layer, _ => NormKind.None };
        return (match.Groups["res"].Success, norm, activation, init);
    }

    /// <summary>Throws a one-line explanation when the sizes are impossible.</summary>
    public ArchitectureSpec Validate()
    {
        Sizes.Validate();
        Shape.Validate();
        if (IsResidual && LinearLayers < 2)
            throw new ArgumentException($"A ResNet needs depth ≥ 2: an input map plus at least one residual layer (got {LinearLayers}).");
        CheckLooksLinear(Init, Activation, Name);
        if (IsLooksLinear && Width % 2 != 0) throw new ArgumentException($"Looks-linear initialisation needs an even width (got {Width}).");
        if (IsLooksLinear && Classes > Width / 2)
            throw new ArgumentException($"Looks-linear output needs classes ≤ width/2 (got {Classes} classes, width {Width}).");
        return this;
    }

    private static void CheckLooksLinear(InitKind init, ActivationKind activation, string network)
    {
        if (init == InitKind.LooksLinear && activation != ActivationKind.Relu)
            throw new ArgumentException(
                $"Looks-linear initialisation (-ll) needs relu; {network} uses {activation.ToString().ToLowerInvariant()}.");
    }

    private string LayoutName => BranchLayout == BranchLayout.PreActivation ? "pre-activation" : "post-activation";

    public override string ToString() =>
        $"{Name} (depth {LinearLayers}, width {Width}, input {InputDim}, classes {Classes}" +
        (IsResidual ? $", {ResidualUnits} {LayoutName} units of m={UnitSize}, w_r={EffectiveResidualWeight:0.####}" : "") + ")";
}
