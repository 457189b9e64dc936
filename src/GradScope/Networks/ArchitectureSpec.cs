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
/// <c>[resnet-][batch-|layer-](relu|tanh|selu|linear)[-gauss|-orth|-ll]</c> plus its sizes.
/// </summary>
public sealed record ArchitectureSpec
{
    public const string Grammar = "[resnet-][batch-|layer-](relu|tanh|selu|linear)[-gauss|-orth|-ll]";

    /// <summary>Residual units after a plain input map (prefix <c>resnet-</c>). Stored as <c>residual</c> (docs/checkpoint-format.md).</summary>
    [JsonPropertyName("residual")]
    public bool IsResidual { get; init; }
    /// <summary>Normalisation after every linear layer (prefix <c>batch-</c> or <c>layer-</c>). Stored as <c>norm</c>.</summary>
    [JsonPropertyName("norm")]
    public NormKind Normalization { get; init; }
    public ActivationKind Activation { get; init; } = ActivationKind.Relu;
    public InitKind Init { get; init; }

    /// <summary>Batch or layer normalisation.</summary>
    [JsonIgnore]
    public bool IsNormalized => Normalization != NormKind.None;

    /// <summary>Looks-linear initialisation (suffix <c>-ll</c>).</summary>
    [JsonIgnore]
    public bool IsLooksLinear => Init == InitKind.LooksLinear;

    /// <summary>The same network without residual units (what <c>resnet-X</c> is compared with: <c>X</c>).</summary>
    [JsonIgnore]
    public ArchitectureSpec PlainCounterpart => this with { IsResidual = false, ResidualWeight = null };
    /// <summary>Number of linear layers, the output layer excluded.</summary>
    public int Depth { get; init; } = 50;
    public int Width { get; init; } = 100;
    public int InputDim { get; init; } = 784;
    public int Classes { get; init; } = 10;
    /// <summary>m, linear layers per residual unit.</summary>
    public int UnitSize { get; init; } = 2;
    /// <summary>w_r, the branch weight; null means 1/√U for U residual units.</summary>
    public double? ResidualWeight { get; init; }

    /// <summary>The canonical name, e.g. <c>resnet-batch-relu-orth</c> (the default init suffix is omitted).</summary>
    public string Name =>
        (IsResidual ? "resnet-" : "") +
        Normalization switch { NormKind.Batch => "batch-", NormKind.Layer => "layer-", _ => "" } +
        Activation.ToString().ToLowerInvariant() +
        Init switch { InitKind.Orthogonal => "-orth", InitKind.LooksLinear => "-ll", _ => "" };

    /// <summary>Number of residual units U: the linear layers after the input map, in groups of m (the last may be shorter).</summary>
    public int ResidualUnits => IsResidual ? (Depth - 1 + UnitSize - 1) / UnitSize : 0;

    /// <summary>Number of blocks L (positions 1..L).</summary>
    public int BlockCount => IsResidual ? 1 + ResidualUnits : Depth;

    public double EffectiveResidualWeight => ResidualWeight ?? (ResidualUnits > 0 ? 1.0 / Math.Sqrt(ResidualUnits) : 1.0);

    private static readonly Regex NamePattern = new(
        "^(?<res>resnet-)?(?<norm>batch-|layer-)?(?<act>relu|tanh|selu|linear)(?<init>-gauss|-orth|-ll)?$",
        RegexOptions.CultureInvariant);

    /// <summary>Parses an architecture name; sizes keep their defaults and are set with <c>with</c>.</summary>
    public static ArchitectureSpec Parse(string name)
    {
        var match = NamePattern.Match(name.Trim().ToLowerInvariant());
        if (!match.Success)
            throw new ArgumentException(
                $"Unknown architecture '{name}'. Valid names follow {Grammar}, e.g. batch-relu, layer-tanh-orth, resnet-batch-relu, relu-ll.");
        var spec = new ArchitectureSpec
        {
            IsResidual = match.Groups["res"].Success,
            Normalization = match.Groups["norm"].Value switch { "batch-" => NormKind.Batch, "layer-" => NormKind.Layer, _ => NormKind.None },
            Activation = Enum.Parse<ActivationKind>(match.Groups["act"].Value, ignoreCase: true),
            Init = match.Groups["init"].Value switch { "-orth" => InitKind.Orthogonal, "-ll" => InitKind.LooksLinear, _ => InitKind.Gauss },
        };
        if (spec.Init == InitKind.LooksLinear && spec.Activation != ActivationKind.Relu)
            throw new ArgumentException($"Looks-linear initialisation (-ll) needs relu; '{name}' uses {match.Groups["act"].Value}.");
        return spec;
    }

    /// <summary>Throws a one-line explanation when the sizes are impossible.</summary>
    public ArchitectureSpec Validate()
    {
        if (Depth < 1) throw new ArgumentException($"Depth must be at least 1 linear layer (got {Depth}).");
        if (IsResidual && Depth < 2) throw new ArgumentException($"A ResNet needs depth ≥ 2: an input map plus at least one residual layer (got {Depth}).");
        if (Width < 1) throw new ArgumentException($"Width must be positive (got {Width}).");
        if (InputDim < 1) throw new ArgumentException($"Input dimension must be positive (got {InputDim}).");
        if (Classes < 2) throw new ArgumentException($"At least 2 classes are needed (got {Classes}).");
        if (UnitSize < 1) throw new ArgumentException($"Residual units need m ≥ 1 linear layers (got {UnitSize}).");
        if (ResidualWeight is double w && (!double.IsFinite(w) || w < 0)) throw new ArgumentException($"The residual weight must be finite and ≥ 0 (got {w}).");
        if (Init == InitKind.LooksLinear && Width % 2 != 0) throw new ArgumentException($"Looks-linear initialisation needs an even width (got {Width}).");
        if (Init == InitKind.LooksLinear && Classes > Width / 2) throw new ArgumentException($"Looks-linear output needs classes ≤ width/2 (got {Classes} classes, width {Width}).");
        return this;
    }

    /// <summary>Weight-variance gain of hidden layers: 2 for relu (He), 1 otherwise (SPEC §1.2).</summary>
    public double HiddenGain => Activation == ActivationKind.Relu ? 2.0 : 1.0;

    public override string ToString() =>
        $"{Name} (depth {Depth}, width {Width}, input {InputDim}, classes {Classes}" +
        (IsResidual ? $", {ResidualUnits} units of m={UnitSize}, w_r={EffectiveResidualWeight:0.####}" : "") + ")";
}
