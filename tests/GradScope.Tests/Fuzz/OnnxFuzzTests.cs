using CsCheck;
using Google.Protobuf;
using GradScope.Cli;
using GradScope.IO;
using GradScope.Limits;
using GradScope.Onnx;
using GradScope.Onnx.Proto;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;
using GradScope.Tests.Onnx;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// Hostile ONNX files against the real importer and the real <c>analyze --model</c> command line: byte mutations of
/// valid models (truncation, flipped bits, overwritten lengths) and graphs built with hostile dims, element types,
/// ops, opsets, missing initializers and non-finite weights. A model is imported with finite parameters or refused
/// with one line naming the file; the command exits with a documented code and leaves no report behind.
/// </summary>
public sealed class OnnxFuzzTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly byte[][] _valid;

    public OnnxFuzzTests()
    {
        _valid =
        [
            TestModels.Mlp().Model.ToByteArray(),
            File.ReadAllBytes(OnnxFixtures.Model("bn_relu_mlp")),
            File.ReadAllBytes(OnnxFixtures.Model("residual_mlp")),
        ];
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A hostile edit of the hand-made MLP at the protobuf level, drawn from primitives so failures shrink.</summary>
    private sealed record GraphEdit(GraphEdit.Kind What, int Target, long Value, string Op)
    {
        public enum Kind { Dims, ElementType, MiddleOp, DropInitializer, NonFinite, Opset, InputShape, Truncate, RenameOutput }

        public static readonly Gen<GraphEdit> Any = Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 3],
            Gen.Frequency((3, Gen.Long[-2, 8]), (1, Gen.OneOf(1L << 20, 1L << 31, 1L << 40, long.MaxValue, long.MinValue, 30L))),
            Gen.OneOf("Relu", "Sin", "Gemm", "MatMul", "Add", "Mul", "If", "Loop", "Softmax", "LogSoftmax", "Flatten", "Reshape",
                "BatchNormalization", "LayerNormalization", "Identity", "Dropout", "", "custom.Op"),
            (kind, target, value, op) => new GraphEdit(kind, target, value, op));

        public void Apply(TestModels m)
        {
            var inits = m.Graph.Initializer;
            var tensor = inits[Target % inits.Count];
            switch (What)
            {
                case Kind.Dims:
                    tensor.Dims.Clear();
                    for (int i = 0; i < 1 + Target % 3; i++) tensor.Dims.Add(i == 0 ? Value : 3);
                    break;
                case Kind.ElementType: tensor.DataType = (int)(Value & 0x1f); break;
                case Kind.MiddleOp:
                    var node = m.Graph.Node[1];
                    var parts = Op.Split('.');
                    node.OpType = parts[^1];
                    node.Domain = parts.Length > 1 ? parts[0] : "";
                    break;
                case Kind.DropInitializer: inits.RemoveAt(Target % inits.Count); break;
                case Kind.NonFinite:
                    var bytes = tensor.RawData.ToByteArray();
                    if (bytes.Length >= 4)
                    {
                        float bad = (Value % 3) switch { 0 => float.NaN, 1 or -1 => float.PositiveInfinity, _ => float.NegativeInfinity };
                        BitConverter.TryWriteBytes(bytes.AsSpan(4 * (int)((ulong)Value % (ulong)(bytes.Length / 4))), bad);
                        tensor.RawData = ByteString.CopyFrom(bytes);
                    }
                    break;
                case Kind.Opset: m.Model.OpsetImport[0].Version = Value; break;
                case Kind.InputShape: m.Graph.Input[0] = TestModels.Value("input", Target == 0 ? [Value] : [-1, Value]); break;
                case Kind.RenameOutput: m.Graph.Output[0].Name = Op; break;
                case Kind.Truncate: break; // applied to the bytes
            }
        }
    }

    private byte[] Build(GraphEdit[] edits)
    {
        var m = TestModels.Mlp();
        foreach (var edit in edits) edit.Apply(m);
        byte[] bytes = m.Model.ToByteArray();
        foreach (var edit in edits.Where(e => e.What == GraphEdit.Kind.Truncate))
            bytes = bytes[..(int)((ulong)edit.Value % (ulong)Math.Max(1, bytes.Length))];
        return bytes;
    }

    [Fact]
    public void Mutated_models_are_imported_or_refused_with_one_line()
    {
        Gen.Select(Gen.Int[0, _valid.Length - 1], Mutation.Any.Array[1, 3]).Sample((which, mutations) =>
            ImportOrRefuse(mutations.Aggregate(_valid[which], (b, m) => m.Apply(b))),
            iter: FuzzBudget.Iterations(300), threads: 1);
    }

    [Fact]
    public void Hostile_graphs_are_imported_or_refused_with_one_line()
    {
        GraphEdit.Any.Array[1, 3].Sample(edits => ImportOrRefuse(Build(edits)), iter: FuzzBudget.Iterations(400), threads: 1);
    }

    [Fact]
    public void Command_lines_on_hostile_models_exit_with_a_documented_code_and_leave_nothing_behind()
    {
        Gen.Select(Gen.Bool, GraphEdit.Any.Array[1, 2], Mutation.Any).Sample((structured, edits, mutation) =>
        {
            using var dir = new TempDirectory();
            string model = dir.File("hostile.onnx");
            File.WriteAllBytes(model, structured ? Build(edits) : mutation.Apply(_valid[1]));
            string json = dir.File("report.json");
            var result = CliHarness.Run("analyze", "--model", model, "--noise", "4", "--json", json);
            Assert.Contains(result.ExitCode, CliAssert.Documented);
            if (result.ExitCode == ExitCodes.Success) return;
            CliAssert.OneLine(result);
            Assert.Contains("hostile.onnx", result.Error);
            Assert.False(File.Exists(json), "a failed analysis left its report behind");
            Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp*"));
        }, iter: FuzzBudget.Iterations(120), threads: 1);
    }

    /// <summary>The importer yields a network whose every parameter is finite (running variances ≥ 0), or one line naming
    /// the file.</summary>
    private void ImportOrRefuse(byte[] bytes)
    {
        string path = _temp.File("fuzz.onnx");
        File.WriteAllBytes(path, bytes);
        try
        {
            var model = OnnxImporter.Import<double>(path);
            var layout = model.Network.Layout;
            for (int i = 0; i < layout.Count; i++)
            {
                var values = model.Parameters[i].Span;
                Assert.Equal(-1, FiniteCheck.FirstNonFinite(values));
                if (layout.Entries[i].Name.EndsWith(".running_var", StringComparison.Ordinal))
                    foreach (double v in values) Assert.True(v >= 0, $"{layout.Entries[i].Name} holds {v}");
            }
        }
        catch (Exception e) when (e is OnnxImportException or CheckpointFormatException)
        {
            Assert.StartsWith("fuzz.onnx: ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        catch (ResourceLimitException e)
        {
            Assert.Contains("would need", e.Message);
        }
    }
}
