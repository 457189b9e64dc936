using GradScope.Tensors;

namespace GradScope.Bench;

/// <summary>The three products of a dense layer's training step.</summary>
public enum GemmVariant
{
    /// <summary>Forward Y = X·Wᵀ: m = batch, n = out, k = in.</summary>
    NT,
    /// <summary>Input gradient dX = dY·W: m = batch, n = in, k = out.</summary>
    NN,
    /// <summary>Weight gradient dW = dYᵀ·X: m = out, n = in, k = batch.</summary>
    TN,
}

/// <summary>One GEMM shape of the benchmark suite, named after the layer it comes from.</summary>
public readonly record struct GemmShape(GemmVariant Variant, int Batch, int In, int Out)
{
    public int M => Variant == GemmVariant.TN ? Out : Batch;
    public int N => Variant == GemmVariant.NT ? Out : In;
    public int K => Variant switch { GemmVariant.NT => In, GemmVariant.NN => Out, _ => Batch };
    public double Flops => 2.0 * M * N * K;
    public override string ToString() => $"{Variant} {M}x{N}x{K}";

    public static GemmShape Parse(string text)
    {
        // "NT b=1000 in=100 out=100" is too long for a column; BenchmarkDotNet params use "NT:1000:100:100".
        var parts = text.Split(':');
        return new GemmShape(Enum.Parse<GemmVariant>(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]), int.Parse(parts[3]));
    }
}

public static class GemmShapes
{
    /// <summary>Batch sizes × layer widths of the paper's MLPs (MNIST 784, CIFAR 3072, hidden 100),
    /// plus 25 600 stacked rows (cotangents of 256 directions × batch 100) for the 100-wide layers.</summary>
    public static IEnumerable<GemmShape> All
    {
        get
        {
            foreach (var v in new[] { GemmVariant.NT, GemmVariant.NN, GemmVariant.TN })
            {
                foreach (int batch in new[] { 32, 128, 256, 1000, 25600 }) yield return new(v, batch, 100, 100);
                foreach (int batch in new[] { 128, 1000 }) yield return new(v, batch, 784, 100);
                foreach (int batch in new[] { 128, 1000 }) yield return new(v, batch, 3072, 100);
            }
        }
    }
}

/// <summary>Operands of one shape, filled with deterministic values; <see cref="Run"/> does one product.</summary>
public sealed class GemmOperands
{
    public GemmShape Shape { get; }
    private readonly float[] _a, _b, _c;
    private readonly Op _opA, _opB;
    private readonly int _lda, _ldb;

    public GemmOperands(GemmShape shape)
    {
        Shape = shape;
        var rng = new Rng(42);
        // Stored shapes: NT: A = X (batch×in), B = W (out×in); NN: A = dY (batch×out), B = W (out×in);
        // TN: A = dY (batch×out), B = X (batch×in).
        (int ar, int ac, int br, int bc) = shape.Variant switch
        {
            GemmVariant.NT => (shape.Batch, shape.In, shape.Out, shape.In),
            GemmVariant.NN => (shape.Batch, shape.Out, shape.Out, shape.In),
            _ => (shape.Batch, shape.Out, shape.Batch, shape.In),
        };
        _a = Fill(ar * ac, rng);
        _b = Fill(br * bc, rng);
        _c = new float[shape.M * shape.N];
        _lda = ac;
        _ldb = bc;
        _opA = shape.Variant == GemmVariant.TN ? Op.Transpose : Op.None;
        _opB = shape.Variant == GemmVariant.NT ? Op.Transpose : Op.None;
    }

    private static float[] Fill(int length, Rng rng)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        return x;
    }

    public void Run() => Gemm.Multiply(_opA, _opB, Shape.M, Shape.N, Shape.K, 1f, _a, _lda, _b, _ldb, 0f, _c, Shape.N);

    private PackedMatrix<float>? _packed;

    /// <summary>The product with op(B) packed beforehand (once; again when the tier changed), as a row-parallel step runs
    /// its forward and input-gradient products on weights packed once per pass.</summary>
    public void RunPacked()
    {
        _packed ??= new PackedMatrix<float>();
        if (!_packed.IsPacked || _packed.Tier != GemmTiers.Active) Gemm.Pack(_opB, Shape.K, Shape.N, _b, _ldb, _packed);
        Gemm.Multiply(_opA, Shape.M, Shape.N, Shape.K, 1f, _a, _lda, _packed, 0f, _c, Shape.N);
    }
}
