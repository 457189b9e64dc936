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
public sealed record ArchitectureSpec
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
    public long TrainableParameters
    {
        get
        {
            long w = Width;
            long linear = (InputDim * w + w) + (LinearLayers - 1) * (w * w + w);
            long norms = IsNormalized ? LinearLayers * 2 * w : 0;
            long output = w * Classes + Classes;
            return linear + norms + output;
        }
    }

    private static readonly Regex NamePattern = new(
        "^(?<res>resnet-)?(?<norm>batch-|layer-)?(?<act>relu|tanh|selu|linear)(?<init>-gauss|-orth|-ll)?$",
        RegexOptions.CultureInvariant);

    /// <summary>The network <paramref name="name"/> with the given sizes (default: SPEC's) for data of <paramref name="shape"/>.</summary>
    public static ArchitectureSpec Create(string name, DataShape shape, NetworkSizes? sizes = null)
    {
        var (residual, norm, activation, init) = ParseFamily(name);
        sizes ??= NetworkSizes.Default;
        // One line per source: the name, the sizes, the data.
        return new ArchitectureSpec
        {
            IsResidual = residual, Normalization = norm, Activation = activation, Init = init,
            LinearLayers = sizes.LinearLayers, Width = sizes.Width, UnitSize = sizes.UnitSize, ResidualWeight = sizes.ResidualWeight,
            InputDim = shape.InputDim, Classes = shape.Classes,
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
        if (init == InitKind.LooksLinear && activation != ActivationKind.Relu)
            throw new ArgumentException($"Looks-linear initialisation (-ll) needs relu; '{name}' uses {match.Groups["act"].Value}.");
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
        if (IsLooksLinear && Width % 2 != 0) throw new ArgumentException($"Looks-linear initialisation needs an even width (got {Width}).");
        if (IsLooksLinear && Classes > Width / 2)
            throw new ArgumentException($"Looks-linear output needs classes ≤ width/2 (got {Classes} classes, width {Width}).");
        return this;
    }

    public override string ToString() =>
        $"{Name} (depth {LinearLayers}, width {Width}, input {InputDim}, classes {Classes}" +
        (IsResidual ? $", {ResidualUnits} units of m={UnitSize}, w_r={EffectiveResidualWeight:0.####}" : "") + ")";
}
