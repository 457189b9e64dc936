using System.Buffers.Binary;
using System.Text;
using CsCheck;
using GradScope.Cli;
using GradScope.IO;
using GradScope.Limits;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;

namespace GradScope.Tests.Fuzz;

/// <summary>Hostile .npy files (headers, versions, lengths, non-finite data) against the reader and <c>analyze --inputs</c>.</summary>
public sealed class NpyFuzzTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A file: version, header dict (hostile descr, order and shape), a length field that may lie, and data.</summary>
    private static readonly Gen<byte[]> HostileNpy = Gen.Select(
        Gen.OneOf<byte>(1, 2, 3, 0, 9),
        Gen.OneOf("'<f4'", "'<f8'", "'<i8'", "'|u1'", "'>f4'", "'<c8'", "[('a', '<f4')]", "'<f4", "5"),
        Gen.OneOf("False", "True", "Maybe", "0"),
        Gen.Long[-2, 6].Array[0, 3],
        Gen.Int[-4, 4],
        Gen.Frequency((4, Gen.Float[-3, 3]),
            (1, Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue))).Array[0, 40],
        (version, descr, order, shape, lengthSkew, data) =>
        {
            string tuple = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
            string header = $"{{'descr': {descr}, 'fortran_order': {order}, 'shape': {tuple}, }}\n";
            byte[] text = Encoding.Latin1.GetBytes(header);
            int lengthBytes = version == 1 ? 2 : 4;
            var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', version, 0 };
            var length = new byte[lengthBytes];
            long claimed = Math.Max(0, text.Length + lengthSkew);
            if (lengthBytes == 2) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)claimed);
            else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)claimed);
            bytes.AddRange(length);
            bytes.AddRange(text);
            foreach (float v in data) bytes.AddRange(BitConverter.GetBytes(v));
            return bytes.ToArray();
        });

    [Fact]
    public void Hostile_npy_files_are_read_or_refused_with_one_line()
    {
        Gen.Select(HostileNpy, Mutation.Any, Gen.Bool).Sample((bytes, mutation, mutate) =>
        {
            if (mutate) bytes = mutation.Apply(bytes);
            try
            {
                var array = Npy.Parse(bytes, "x.npy");
                if (array.Shape.Length == 2)
                {
                    var matrix = array.ToMatrix();
                    Assert.Equal(-1, FiniteCheck.FirstNonFinite(matrix.Span));
                }
                else if (array.IsInteger) array.ToInt32Array();
            }
            catch (CheckpointFormatException e)
            {
                Assert.StartsWith("x.npy: ", e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
            catch (ResourceLimitException e)
            {
                Assert.Contains("would need", e.Message);
            }
        }, iter: FuzzBudget.Iterations(600), threads: 1);
    }

    [Fact]
    public void Analyze_on_hostile_inputs_exits_with_a_documented_code_and_one_line()
    {
        Gen.Select(HostileNpy, Gen.Bool).Sample((bytes, withLabels) =>
        {
            using var dir = new TempDirectory();
            string inputs = dir.File("x.npy");
            File.WriteAllBytes(inputs, bytes);
            string json = dir.File("report.json");
            string[] args = ["analyze", "--arch", "relu", "--depth", "2", "--width", "3", "--inputs", inputs, "--json", json];
            if (withLabels) args = [.. args, "--labels", inputs];
            var result = CliHarness.Run(args);
            Assert.Contains(result.ExitCode, CliAssert.Documented);
            if (result.ExitCode == ExitCodes.Success) return;
            CliAssert.OneLine(result);
            Assert.False(File.Exists(json));
        }, iter: FuzzBudget.Iterations(150), threads: 1);
    }
}
