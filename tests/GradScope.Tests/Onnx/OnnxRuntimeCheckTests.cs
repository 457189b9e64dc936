using GradScope.Layers;
using GradScope.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GradScope.Tests.Onnx;

/// <summary>
/// A second check independent of both PyTorch and GradScope: ONNX Runtime (Microsoft.ML.OnnxRuntime, native library
/// for linux-x64) runs the same fixture models, and GradScope's import must give its logits. ONNX Runtime runs batch
/// norm with running statistics (the exported inference graph), so batch-norm models are compared in --mode eval.
/// </summary>
public class OnnxRuntimeCheckTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Models => new()
    {
        "bn_relu_mlp", "bn_relu_mlp_f64", "ln_tanh_mlp", "ln_tanh_mlp_op17", "residual_mlp", "selu_net", "selu_net_external",
        "odd_names", "view_flatten",
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void GradScope_import_gives_onnx_runtime_logits(string name)
    {
        string fixture = name.Replace("_f64", "", StringComparison.Ordinal).Replace("_external", "", StringComparison.Ordinal);
        var x = OnnxFixtures.InputMatrix(fixture);
        var model = OnnxImporter.Import<double>(OnnxFixtures.Model(name), new OnnxImportOptions { Mode = BatchNormMode.Eval });
        var tape = model.Network.CreateTape();
        model.Network.ForwardLogits(model.Parameters, x, tape, ForwardMode.Analyze);

        using var session = new InferenceSession(OnnxFixtures.Model(name));
        var input = session.InputMetadata.Single();
        var dims = input.Value.Dimensions.Select((d, i) => i == 0 ? x.Rows : d).ToArray();
        bool f64 = input.Value.ElementType == typeof(double);
        var value = f64
            ? NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<double>(x.Span.ToArray(), dims))
            : NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<float>(x.Span.ToArray().Select(v => (float)v).ToArray(), dims));
        using var results = session.Run([value]);
        var logits = f64
            ? results.Single().AsEnumerable<double>().ToArray()
            : results.Single().AsEnumerable<float>().Select(v => (double)v).ToArray();

        var ours = tape.Logits.Span.ToArray();
        Assert.Equal(ours.Length, logits.Length);
        double worst = 0;
        for (int i = 0; i < ours.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] - logits[i]) / (1 + Math.Abs(logits[i])));
        output.WriteLine($"{name}: largest relative difference from ONNX Runtime {worst:E2}");
        Assert.True(worst <= 1e-5, $"largest difference from ONNX Runtime {worst:E2}");
    }

    [Fact]
    public void Onnx_runtime_and_pytorch_agree_on_the_eval_mode_reference()
    {
        // Closes the triangle: the PyTorch reference (eval mode) and ONNX Runtime agree, so the two checks see one model.
        var expected = OnnxFixtures.Rows(OnnxFixtures.Reference("bn_relu_mlp", "eval")["logits"]!);
        var x = OnnxFixtures.InputMatrix("bn_relu_mlp");
        using var session = new InferenceSession(OnnxFixtures.Model("bn_relu_mlp"));
        var input = NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x.Span.ToArray().Select(v => (float)v).ToArray(),
            [x.Rows, x.Cols]));
        using var results = session.Run([input]);
        var logits = results.Single().AsEnumerable<float>().ToArray();
        for (int r = 0; r < expected.Length; r++)
            for (int c = 0; c < expected[r].Length; c++)
                Assert.True(Math.Abs(logits[r * expected[r].Length + c] - expected[r][c]) <= 1e-5 * (1 + Math.Abs(expected[r][c])));
    }
}
