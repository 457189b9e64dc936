using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradScope.Training;

/// <summary>
/// Writes an <see cref="OptimizerKind"/> in files with the command line's name (<see cref="Optimizer{T}.KindName"/>, e.g.
/// <c>rmsprop</c>), so a file and the <c>--optimizer</c> option spell it the same way. Reads those names and the
/// snake_case spelling older files used (<c>rms_prop</c>).
/// </summary>
public sealed class OptimizerKindJsonConverter : JsonConverter<OptimizerKind>
{
    private const string LegacyRmsProp = "rms_prop";

    public override OptimizerKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"An optimizer name must be a string (got {reader.TokenType}).");
        string name = reader.GetString()!;
        if (name == LegacyRmsProp) return OptimizerKind.RmsProp;
        try { return Optimizer<float>.ParseKind(name); }
        catch (ArgumentException e) { throw new JsonException(e.Message, e); }
    }

    public override void Write(Utf8JsonWriter writer, OptimizerKind value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Optimizer<float>.KindName(value));
}
