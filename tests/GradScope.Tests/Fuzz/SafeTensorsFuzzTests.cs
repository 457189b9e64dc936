using CsCheck;
using GradScope.Cli;
using GradScope.IO;
using GradScope.Limits;
using GradScope.Networks;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using GradScope.Training;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// Hostile safetensors checkpoints (mutations of a real one, and headers with hostile shapes, dtypes, offsets and
/// metadata) against the real reader and the real <c>analyze</c>/<c>evaluate</c> command lines.
/// </summary>
public sealed class SafeTensorsFuzzTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly byte[] _valid;

    public SafeTensorsFuzzTests()
    {
        string path = _temp.File("valid.safetensors");
        CliAssert.Succeeds("init", "--arch", "batch-relu", "--depth", "2", "--width", "3", "--input-dim", "4", "--classes", "2",
            "--out", path);
        _valid = File.ReadAllBytes(path);
    }

    public void Dispose() => _temp.Dispose();

    private static readonly Gen<string> HostileHeader = Gen.Select(
        Gen.OneOf("F32", "F64", "I64", "F16", "BF16", "U8", "f32", "", "F32\u0000"),
        Gen.Int[-3, 6].Array[0, 4],
        Gen.Long[-8, 200].Array[0, 3],
        Gen.OneOf("{\"format\":\"gradscope-checkpoint/1\"}", "{\"format\":\"gradscope-checkpoint/9\"}",
            "{\"architecture\":\"{\\\"depth\\\":-1}\"}",
            "{\"architecture\":\"{\\\"name\\\":\\\"relu\\\",\\\"depth\\\":2,\\\"width\\\":3," +
            "\\\"input_dim\\\":4,\\\"classes\\\":2}\"}", "[]", "{}"),
        (dtype, shape, offsets, metadata) =>
            $"{{\"__metadata__\":{metadata},\"blocks.0.linear.weight\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}]," +
            $"\"data_offsets\":[{string.Join(",", offsets)}]}}}}");

    [Fact]
    public void Mutated_checkpoints_are_read_or_refused_with_one_line()
    {
        Mutation.Any.Array[1, 3].Sample(mutations =>
        {
            byte[] bytes = mutations.Aggregate(_valid, (b, m) => m.Apply(b));
            ReadOrRefuse(bytes);
        }, iter: FuzzBudget.Iterations(300), threads: 1);
    }

    [Fact]
    public void Hostile_headers_are_read_or_refused_with_one_line()
    {
        Gen.Select(HostileHeader, Gen.Int[0, 64]).Sample((header, dataBytes) =>
        {
            byte[] json = System.Text.Encoding.UTF8.GetBytes(header);
            var bytes = new byte[8 + json.Length + dataBytes];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
            json.CopyTo(bytes, 8);
            ReadOrRefuse(bytes);
        }, iter: FuzzBudget.Iterations(300), threads: 1);
    }

    [Fact]
    public void Command_lines_on_mutated_checkpoints_exit_with_a_documented_code_and_leave_nothing_behind()
    {
        Gen.Select(Mutation.Any, Gen.Bool).Sample((mutation, evaluate) =>
        {
            using var dir = new TempDirectory();
            string path = dir.File("hostile.safetensors");
            File.WriteAllBytes(path, mutation.Apply(_valid));
            string json = dir.File("report.json");
            var result = evaluate
                ? CliHarness.Run("evaluate", "--checkpoint", path, "--data", "/nonexistent-gradscope-data")
                : CliHarness.Run("analyze", "--checkpoint", path, "--noise", "4", "--json", json);
            Assert.Contains(result.ExitCode, CliAssert.Documented);
            if (result.ExitCode == ExitCodes.Success) return;
            CliAssert.OneLine(result);
            Assert.False(File.Exists(json), "a failed analysis left its report behind");
            Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp*"));
        }, iter: FuzzBudget.Iterations(120), threads: 1);
    }

    /// <summary>The reader either yields a checkpoint whose every value is finite and shaped as the architecture says,
    /// or one <see cref="CheckpointFormatException"/> line naming the file.</summary>
    private void ReadOrRefuse(byte[] bytes)
    {
        string path = _temp.File($"f-{Environment.CurrentManagedThreadId}.safetensors");
        File.WriteAllBytes(path, bytes);
        try
        {
            var checkpoint = Checkpoint.Load(path);
            var layout = Network<float>.Build(checkpoint.Architecture).Layout;
            for (int i = 0; i < layout.Count; i++)
            {
                Assert.Equal(layout.Entries[i].Length, checkpoint.Parameters[i].Length);
                Assert.Equal(-1, FiniteCheck.FirstNonFinite(checkpoint.Parameters[i].Span));
                Assert.Equal(-1, FiniteCheck.FirstNonFinite(checkpoint.InitialParameters[i].Span));
            }
        }
        catch (CheckpointFormatException e)
        {
            Assert.StartsWith(Path.GetFileName(path) + ": ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        catch (ResourceLimitException e)
        {
            Assert.Contains("would need", e.Message);
        }
    }
}
