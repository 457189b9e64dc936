using System.Text.Json.Nodes;
using GradScope.IO;
using GradScope.Tensors;

namespace GradScope.Tests.Onnx;

/// <summary>
/// The models and PyTorch float64 references of tests/fixtures/onnx (written by generate.py with Debian's python3-torch
/// and python3-onnx, independently of GradScope's code).
/// </summary>
internal static class OnnxFixtures
{
    public static string Directory { get; } = Locate();

    public static string File(string name) => Path.Combine(Directory, name);

    public static string Model(string name) => File(name + ".onnx");

    public static string Init(string name) => File(name + "_init.onnx");

    public static string Inputs(string name) => File(name + "_x.npy");

    public static string Labels(string name) => File(name + "_y.npy");

    public static Matrix<double> InputMatrix(string name) => Npy.ReadMatrix(Inputs(name)).Convert<double>();

    public static int[] LabelArray(string name) => Npy.ReadInt32Array(Labels(name));

    /// <summary>The reference of one mode ("train": batch statistics, "eval": running statistics).</summary>
    public static JsonNode Reference(string name, string mode) => JsonNode.Parse(System.IO.File.ReadAllText(File(name
        + ".json")))!["modes"]![mode]!;

    public static double[] Doubles(JsonNode node) => node.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    public static double[][] Rows(JsonNode node) => node.AsArray().Select(r => Doubles(r!)).ToArray();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "onnx");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/onnx not found above " + AppContext.BaseDirectory);
    }
}
