using System.Text.Json;
using System.Text.Unicode;

namespace GradScope.IO;

/// <summary>
/// Parses and validates a safetensors JSON header against the size of the data section that
/// follows it: every entry well-formed, byte ranges matching dtype × shape, inside the data, not
/// overlapping, and together covering the data with no gaps (as the reference implementation requires).
/// </summary>
internal static class SafeTensorsHeader
{
    public static (Dictionary<string, SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string path)
    {
        // System.Text.Json defers UTF-8 validation of strings until they are read, so check up front.
        if (!Utf8.IsValid(json))
            throw CheckpointFormatException.InFile(path, "header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw CheckpointFormatException.InFile(path, $"header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw CheckpointFormatException.InFile(path, $"header is a JSON {document.RootElement.ValueKind}, expected an object");

            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == SafeTensorsFile.MetadataKey)
                {
                    if (sawMetadata) throw CheckpointFormatException.InFile(path, "header has two __metadata__ entries");
                    sawMetadata = true;
                    ParseMetadata(property.Value, metadata, path);
                    continue;
                }
                if (tensors.ContainsKey(property.Name))
                    throw CheckpointFormatException.InFile(path, $"header names tensor '{property.Name}' twice");
                tensors.Add(property.Name, ParseTensor(property.Name, property.Value, dataLength, path));
            }
            CheckLayout(tensors.Values, dataLength, path);
            return (tensors, metadata);
        }
    }

    private static void ParseMetadata(JsonElement element, Dictionary<string, string> metadata, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw CheckpointFormatException.InFile(path, $"__metadata__ is a JSON {element.ValueKind}, expected an object of strings");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw CheckpointFormatException.InFile(path,
                    $"__metadata__ value for '{entry.Name}' is a JSON {entry.Value.ValueKind}, expected a string");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw CheckpointFormatException.InFile(path, $"__metadata__ has key '{entry.Name}' twice");
        }
    }

    private static SafeTensorInfo ParseTensor(string name, JsonElement element, long dataLength, string path)
    {
        CheckpointFormatException Bad(string problem) => CheckpointFormatException.InFile(path, $"tensor '{name}': {problem}");

        if (element.ValueKind != JsonValueKind.Object) throw Bad($"entry is a JSON {element.ValueKind}, expected an object");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("missing string field 'dtype'");
        string dtypeText = dtypeElement.GetString()!;
        if (!SafeTensorDTypeExtensions.TryParse(dtypeText, out var dtype)) throw Bad($"unknown dtype '{dtypeText}'");

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad("missing array field 'shape'");
        var shape = new int[shapeElement.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out int value) || value < 0)
                throw Bad($"shape entry {dim} is not a non-negative 32-bit integer");
            shape[i++] = value;
            count *= value;
            if (count > int.MaxValue) throw Bad($"shape [{string.Join(", ", shape[..i])}…] has more elements than one array can hold");
        }

        if (!element.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
            throw Bad("missing field 'data_offsets' of two integers");
        var offsets = new long[2];
        for (int k = 0; k < 2; k++)
        {
            var item = offsetsElement[k];
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out offsets[k]) || offsets[k] < 0)
                throw Bad($"data_offsets entry {item} is not a non-negative integer");
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin) throw Bad($"data_offsets [{begin}, {end}] end before they begin");
        long expected = count * dtype.ByteSize();
        if (end - begin != expected)
            throw Bad($"data_offsets [{begin}, {end}] span {end - begin} bytes " +
                $"but {dtype} × [{string.Join(", ", shape)}] needs {expected}");
        if (end > dataLength)
            throw Bad($"truncated: data ends at byte {end} but the data section has only {dataLength} bytes");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static void CheckLayout(IEnumerable<SafeTensorInfo> tensors, long dataLength, string path)
    {
        long position = 0;
        SafeTensorInfo? previous = null;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < position)
                throw CheckpointFormatException.InFile(path, $"tensors '{previous!.Name}' and '{t.Name}' overlap in the data section");
            if (t.Begin > position)
                throw CheckpointFormatException.InFile(path,
                    $"{t.Begin - position} unused bytes before tensor '{t.Name}' in the data section");
            position = t.End;
            previous = t;
        }
        if (position != dataLength)
            throw CheckpointFormatException.InFile(path,
                $"{dataLength - position} bytes after the last tensor; the file is longer than its header describes");
    }
}
