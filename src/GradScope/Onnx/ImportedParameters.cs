using System.Globalization;
using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>The check every imported θ and θ⁰ passes, whichever file (ONNX, safetensors state_dict) it came from.</summary>
internal static class ImportedParameters
{
    /// <summary>
    /// Every value finite (also after Gemm's α/β scaling and the conversion to the analysed precision: a finite weight
    /// times a huge α overflows) and every running variance non-negative: a bad value behind a ReLU still gives a
    /// finite loss and a plausible verdict. <paramref name="describe"/> names parameter i as the user's file does.
    /// </summary>
    public static void RequireValid<T>(string path, ParameterSet<T> theta, Func<int, string> describe)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entries = theta.Layout.Entries;
        for (int p = 0; p < entries.Count; p++)
        {
            var values = theta[p].Span;
            bool variance = entries[p].Name.EndsWith(".running_var", StringComparison.Ordinal);
            for (int i = 0; i < values.Length; i++)
            {
                if (!T.IsFinite(values[i]))
                    throw OnnxImportException.InFile(path, $"{describe(p)} is {Text(values[i])} at index {i}; values must be finite");
                if (variance && T.IsNegative(values[i]))
                    throw OnnxImportException.InFile(path,
                        $"{describe(p)} holds the negative variance {Text(values[i])} at index {i}; running variances must be ≥ 0");
            }
        }
    }

    private static string Text<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
