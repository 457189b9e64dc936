using GradScope.Diagnostics;
using GradScope.IO;
using GradScope.Limits;
using GradScope.Networks;
using GradScope.Tensors;

namespace GradScope.Onnx;

/// <summary>
/// A zoo network rebuilt in PyTorch as a plain <c>nn.Sequential</c> — Linear, [BatchNorm1d | LayerNorm], activation, …,
/// Linear — and saved as a safetensors state_dict with PyTorch's own names (<c>0.weight</c>, <c>1.running_mean</c>, …).
/// <c>--arch</c> names the family; depth, width, input size and classes are read from the tensors.
/// </summary>
public static class StateDictAnalysis
{
    public static DiagnosticsReport Run(ModelAnalysisRequest request, string arch, DiagnosticsOptions options)
    {
        ArchitectureSpec.CheckName(arch);
        var (spec, theta) = Read(request.ModelPath, arch);
        ParameterSet<double>? theta0 = null;
        if (request.InitSafeTensors is not null) theta0 = Read(request.InitSafeTensors, arch, spec).Theta;
        if (request.InitOnnx is not null) throw new ArgumentException("With a state_dict give θ⁰ as --init-safetensors, not --init.");
        var (inputs, labels) = ModelAnalysis.ReadBatch(request, spec.InputDim, spec.Classes);
        NetworkFootprint.Require(spec, parameterCopies: 8, batch: inputs.Rows);
        var network = Network<double>.Build(spec);
        var report = DiagnosticsRunner.Analyze(network, theta, theta0, inputs, labels, options);
        return report with { Description = $"{spec} from the nn.Sequential state_dict {Path.GetFileName(request.ModelPath)}" };
    }

    /// <summary>The spec (sizes from the tensors) and θ of a state_dict; with <paramref name="expected"/> the sizes must match
    /// it.</summary>
    public static (ArchitectureSpec Spec, ParameterSet<double> Theta) Read(string path, string arch, ArchitectureSpec? expected = null)
    {
        // The family alone (sizes are read from the tensors below).
        var family = ArchitectureSpec.Create(arch, new DataShape(1, 2), new NetworkSizes { LinearLayers = 2, Width = 4 });
        if (family.IsResidual)
            throw new ArgumentException($"{family.Name} has no nn.Sequential layout "
                + $"(its units add a skip connection); export it to ONNX and use --model net.onnx.");
        var file = SafeTensorsFile.Read(path);
        int stride = family.Normalization == NormKind.None ? 2 : 3;
        // nn.Sequential numbers every module; a stage is Linear, [norm], activation, so linear maps sit at 0, s, 2s, …
        var linears = new List<int>();
        for (int index = 0; file.Contains($"{index}.weight"); index += stride) linears.Add(index);
        if (linears.Count < 2)
            throw OnnxImportException.InFile(path,
                $"holds no nn.Sequential of {family.Name} stages (expected '0.weight' and '{stride}.weight'; " +
                $"a {family.Name} stage is {(stride == 3 ? "Linear, norm, activation" : "Linear, activation")})");
        var first = file.GetInfo("0.weight");
        var last = file.GetInfo($"{linears[^1]}.weight");
        if (first.Shape.Length != 2 || last.Shape.Length != 2) throw OnnxImportException.InFile(path,
            "linear weights must be 2-D (out × in)");
        var spec = ArchitectureSpec.Create(arch, new DataShape(first.Shape[1], last.Shape[0]),
            new NetworkSizes { LinearLayers = linears.Count - 1, Width = first.Shape[0] });
        // Sizes come from tensor headers: refuse an absurd network before its parameters are allocated.
        NetworkFootprint.Require(spec, parameterCopies: 2, batch: 0);
        if (expected is not null && spec != expected)
            throw OnnxImportException.InFile(path, $"describes {spec}, not the analysed {expected}");
        var layout = Network<double>.Build(spec).Layout;
        var theta = new ParameterSet<double>(layout);
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int b = 0; b < spec.LinearLayers; b++)
        {
            int at = linears[b];
            Copy(file, path, $"{at}.weight", theta, $"blocks.{b}.linear.weight", used);
            Copy(file, path, $"{at}.bias", theta, $"blocks.{b}.linear.bias", used);
            if (spec.Normalization == NormKind.None) continue;
            string[] fields = spec.Normalization == NormKind.Batch ? ["weight", "bias", "running_mean", "running_var"] : ["weight", "bias"];
            foreach (var field in fields) Copy(file, path, $"{at + 1}.{field}", theta, $"blocks.{b}.norm.{field}", used);
        }
        Copy(file, path, $"{linears[^1]}.weight", theta, "output.weight", used);
        Copy(file, path, $"{linears[^1]}.bias", theta, "output.bias", used);
        ImportedParameters.RequireValid(path, theta, i => layout.Entries[i].Name);
        var extra = file.Names.FirstOrDefault(n => !used.Contains(n) && !n.EndsWith("num_batches_tracked", StringComparison.Ordinal));
        if (extra is not null)
            throw OnnxImportException.InFile(path,
                $"tensor '{extra}' has no place in a {spec.Name} nn.Sequential (is --arch the right family?)");
        return (spec, theta);
    }

    private static void Copy(SafeTensorsFile file, string path, string name, ParameterSet<double> theta, string target,
        HashSet<string> used)
    {
        if (!file.Contains(name)) throw OnnxImportException.InFile(path, $"has no tensor '{name}' (for {target})");
        var info = file.GetInfo(name);
        var matrix = theta[target];
        if (info.Count != matrix.Rows * matrix.Cols || (matrix.Rows > 1 && (info.Shape.Length != 2 || info.Shape[0] != matrix.Rows)))
            throw OnnxImportException.InFile(path,
                $"tensor '{name}' has shape [{string.Join(", ", info.Shape)}]; {target} needs {matrix.Rows}×{matrix.Cols}");
        file.GetArray<double>(name).CopyTo(matrix.Span);
        used.Add(name);
    }
}
