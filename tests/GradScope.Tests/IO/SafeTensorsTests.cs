using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using GradScope.Data;
using GradScope.IO;
using GradScope.Tensors;
using GradScope.Tests.Data;

namespace GradScope.Tests.IO;

public class SafeTensorsTests
{
    private static Matrix<float> SampleMatrix()
    {
        var m = new Matrix<float>(3, 2);
        for (int i = 0; i < m.Length; i++) m.Span[i] = i * 0.5f - 1f;
        return m;
    }

    [Fact]
    public void Round_trips_f32_f64_i64_and_metadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ckpt.safetensors");
        var weight = SampleMatrix();
        double[] bias = [Math.PI, -1e-300, double.MaxValue];
        var metadata = new Dictionary<string, string>
        {
            ["arch"] = "{\"name\": \"batch-relu\", \"depth\": 50}",
            ["note"] = "σ ünïcode \"quoted\" \\ back",
        };

        SafeTensorsFile.Write(path,
        [
            NamedTensor.FromMatrix("blocks.0.linear.weight", weight),
            NamedTensor.FromVector("blocks.0.linear.bias", bias),
            NamedTensor.Scalar("step", 123456789012),
            NamedTensor.Int64("perm", [3, 1, 2]),
        ], metadata);

        var file = SafeTensorsFile.Read(path);

        Assert.Equal(new[] { "blocks.0.linear.bias", "blocks.0.linear.weight", "perm", "step" }, file.Names);
        Assert.Equal(metadata, file.Metadata);
        var w = file.GetFloat("blocks.0.linear.weight");
        Assert.Equal(new[] { 3, 2 }, w.Shape);
        Assert.Equal(weight.Span.ToArray(), w.Data);
        Assert.Equal(bias, file.GetDouble("blocks.0.linear.bias").Data);
        Assert.Equal(new[] { 1 }.Length, file.GetDouble("blocks.0.linear.bias").Shape.Length);
        var step = file.GetInt64("step");
        Assert.Empty(step.Shape);
        Assert.Equal(new[] { 123456789012L }, step.Data);
        Assert.Equal(new long[] { 3, 1, 2 }, file.GetInt64("perm").Data);
        Assert.Equal(SafeTensorDType.F64, file.GetInfo("blocks.0.linear.bias").DType);
    }

    [Fact]
    public void Header_is_padded_to_8_and_every_tensor_is_aligned_to_its_element_size()
    {
        byte[] bytes = SafeTensorsFile.ToBytes(
        [
            NamedTensor.Float32("a", [1f, 2f, 3f]),
            NamedTensor.Float64("b", [4.0]),
            NamedTensor.Int64("c", [5]),
        ]);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{", header);
        using var json = JsonDocument.Parse(header);
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            long begin = entry.Value.GetProperty("data_offsets")[0].GetInt64();
            int size = entry.Value.GetProperty("dtype").GetString() == "F32" ? 4 : 8;
            Assert.Equal(0, begin % size);
        }
        Assert.Equal(8 + (long)headerLength + 12 + 8 + 8, bytes.Length);
    }

    [Fact]
    public void Matrix_precision_is_the_callers_choice()
    {
        var file = SafeTensorsFile.Parse(SafeTensorsFile.ToBytes(
        [
            NamedTensor.FromMatrix("f", SampleMatrix()),
            NamedTensor.FromMatrix("d", SampleMatrix().Convert<double>()),
        ]));
        var asDouble = file.GetMatrix<double>("f");
        var asFloat = file.GetMatrix<float>("d");
        Assert.Equal(3, asDouble.Rows);
        Assert.Equal(2, asFloat.Cols);
        Assert.Equal(SampleMatrix().Span.ToArray(), asFloat.Span.ToArray());
        Assert.Equal(-1.0, asDouble[0, 0]);
    }

    [Fact]
    public void Standardizer_round_trips_through_a_checkpoint()
    {
        var fitted = Standardizer.Fit(SampleMatrix());
        var file = SafeTensorsFile.Parse(SafeTensorsFile.ToBytes(fitted.ToNamedTensors()));
        var restored = file.ReadStandardizer();
        Assert.Equal(fitted.Mean, restored.Mean);
        Assert.Equal(fitted.Scale, restored.Scale);
    }

    [Fact]
    public void Wrong_dtype_and_missing_names_are_format_errors()
    {
        var file = SafeTensorsFile.Parse(SafeTensorsFile.ToBytes([NamedTensor.Float64("d", [1.0])]), "m.safetensors");
        var e = Assert.Throws<CheckpointFormatException>(() => file.GetFloat("d"));
        Assert.Equal("m.safetensors: tensor 'd' is F64, expected F32", e.Message);
        e = Assert.Throws<CheckpointFormatException>(() => file.GetFloat("zz"));
        Assert.Equal("m.safetensors: no tensor named 'zz'", e.Message);
        Assert.Throws<CheckpointFormatException>(() => file.GetMatrix<float>("d"));
    }

    [Fact]
    public void Writer_refuses_duplicate_and_reserved_names_and_shape_mismatch()
    {
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.ToBytes([NamedTensor.Float32("a", [1f]), NamedTensor.Float32("a", [2f])]));
        Assert.Throws<ArgumentException>(() => NamedTensor.Float32("__metadata__", [1f]));
        Assert.Throws<ArgumentException>(() => NamedTensor.Float32("a", [1f, 2f, 3f], 2, 2));
    }

    // ---- Corrupt files ----

    private static byte[] Build(string header, int dataBytes, ulong? claimedLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string ErrorOf(byte[] bytes)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        return Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Read(path)).Message;
    }

    [Fact]
    public void Valid_handmade_file_parses()
    {
        var file = SafeTensorsFile.Parse(Build("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8));
        Assert.Equal(new[] { 0f, 0f }, file.GetFloat("a").Data);
        Assert.Empty(file.Metadata);
    }

    [Theory]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]", 8, "header is not valid JSON")]
    [InlineData("[1, 2]", 0, "header is a JSON Array, expected an object")]
    [InlineData("{\"a\": {\"dtype\": \"Q7\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8, "tensor 'a': unknown dtype 'Q7'")]
    [InlineData("{\"a\": {\"dtype\": \"f32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8, "unknown dtype 'f32'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8, "span 8 bytes but F32 × [3] needs 12")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 8,
        "truncated: data ends at byte 16 but the data section has only 8 bytes")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]}}", 8, "end before they begin")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", 8, "not a non-negative 32-bit integer")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}", 8, "missing field 'data_offsets'")]
    [InlineData("{\"a\": {\"shape\": [2], \"data_offsets\": [0, 8]}}", 8, "missing string field 'dtype'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, " +
        "\"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, "tensors 'a' and 'b' overlap")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, "4 unused bytes before tensor 'a'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 8, "4 bytes after the last tensor")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, " +
        "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, "names tensor 'a' twice")]
    [InlineData("{\"__metadata__\": {\"epoch\": 3}}", 0, "__metadata__ value for 'epoch' is a JSON Number, expected a string")]
    [InlineData("{\"__metadata__\": [\"x\"]}", 0, "__metadata__ is a JSON Array")]
    public void Corrupt_header_is_reported(string header, int dataBytes, string expected)
    {
        string message = ErrorOf(Build(header, dataBytes));
        Assert.StartsWith("bad.safetensors: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Header_length_beyond_file_is_reported()
    {
        string message = ErrorOf(Build("{}", 0, claimedLength: 1000));
        Assert.Equal("bad.safetensors: header length 1000 exceeds the 2 bytes that follow it (truncated or not a safetensors file)",
            message);
    }

    [Fact]
    public void Absurd_header_length_is_reported()
    {
        Assert.Contains("exceeds", ErrorOf(Build("{}", 0, claimedLength: ulong.MaxValue)));
    }

    [Fact]
    public void File_shorter_than_length_prefix_is_reported()
    {
        Assert.Equal("bad.safetensors: truncated: 5 bytes, shorter than the 8-byte header length", ErrorOf([1, 2, 3, 4, 5]));
    }

    [Fact]
    public void Truncated_data_is_reported()
    {
        byte[] good = SafeTensorsFile.ToBytes([NamedTensor.FromMatrix("w", SampleMatrix())]);
        Assert.Contains("truncated: data ends at byte 24 but the data section has only 20 bytes", ErrorOf(good[..^4]));
    }

    [Fact]
    public void Missing_file_is_a_format_error()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Read(dir.File("none.safetensors")));
        Assert.StartsWith("none.safetensors: file not found", e.Message);
    }

    [Fact]
    public void Invalid_utf8_header_is_reported()
    {
        byte[] bytes = Build("{\"a\u00e9\": 1}", 0);
        bytes[8 + 3] = 0xFF;
        Assert.Equal("bad.safetensors: header is not valid UTF-8", ErrorOf(bytes));
    }
}
