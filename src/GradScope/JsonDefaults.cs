using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradScope;

/// <summary>The one JSON convention of every GradScope file: snake_case names, enums as snake_case strings.</summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = Create(indented: true);

    /// <summary>Single-line output, for JSON Lines files.</summary>
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = indented,
        // The optimizer converter comes first: the command line's names (rmsprop), not snake_case (rms_prop).
        Converters = { new Training.OptimizerKindJsonConverter(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
