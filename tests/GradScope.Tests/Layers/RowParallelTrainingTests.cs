using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

namespace GradScope.Tests.Layers;

/// <summary>The row-parallel training passes (each thread takes a slice of the batch through the whole network) must
/// match the layer-by-layer passes: same activations, gradients equal up to float summation order, and the same
/// parameters after a few Adam steps.</summary>
public class RowParallelTrainingTests
{
    [Theory]
    [InlineData("relu", 33, 784)]
    [InlineData("relu", 128, 100)]
    [InlineData("tanh", 7, 50)]
    [InlineData("selu", 64, 30)]
    [InlineData("resnet-relu", 33, 784)]
    [InlineData("resnet-tanh", 100, 20)]
    [InlineData("relu-ll", 40, 64)]
    [InlineData("relu", 600, 30)] // slices of 300 rows
    [InlineData("layer-relu", 128, 784)]
    [InlineData("layer-tanh", 600, 30)]
    [InlineData("resnet-layer-tanh", 33, 50)]
    [InlineData("batch-relu", 128, 784)]
    [InlineData("batch-tanh", 600, 30)]
    [InlineData("batch-selu", 7, 50)]
    [InlineData("resnet-batch-relu", 128, 784)]
    [InlineData("resnet-batch-tanh", 600, 30)]
    [InlineData("resnet-batch-selu", 9, 20)]
    public void Row_parallel_and_layer_paths_agree(string arch, int batch, int inputs)
    {
        var spec = ArchitectureSpec.Create(arch, new DataShape(inputs, 10),
            new NetworkSizes { LinearLayers = 5, Width = 100, UnitSize = 2 });
        var net = Network<float>.Build(spec);
        Assert.True(net.UsesRowPath || net.UsesBatchNormRowPath);
        var rng = new Rng(8);
        var x = new Matrix<float>(batch, inputs);
        foreach (ref var v in x.Span) v = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, batch).Select(i => (i * 7) % 10).ToArray();

        (ParameterSet<float> Theta, ParameterSet<float> FirstGrads, float[] Logits, double Loss) Train(bool rowParallel)
        {
            using (KernelSettings.Use(new KernelSettings(DisableRowParallel: !rowParallel)))
            {
                var theta = Initializer.Initialize(net, 3);
                var tape = net.CreateTape();
                var grads = net.CreateParameters();
                var opt = Optimizer<float>.Create(OptimizerKind.Adam, net.Layout, 1e-3);
                ParameterSet<float>? first = null;
                float[]? logits = null;
                double loss = 0;
                for (int step = 0; step < 4; step++)
                {
                    loss = net.Forward(theta, x, labels, tape, ForwardMode.Train);
                    logits ??= tape.Logits.Span.ToArray();
                    grads.Clear();
                    net.Backward(theta, tape, grads);
                    first ??= grads.Clone();
                    opt.Step(theta, grads);
                }
                return (theta, first!, logits!, loss);
            }
        }

        var reference = Train(rowParallel: false);
        var rows = Train(rowParallel: true);
        for (int i = 0; i < reference.Logits.Length; i++)
            Assert.True(Math.Abs(reference.Logits[i] - rows.Logits[i]) <= 1e-5 * Math.Max(1, Math.Abs(reference.Logits[i])), $"logit {i}");
        Assert.Equal(reference.Loss, rows.Loss, 4);
        for (int i = 0; i < reference.Theta.Count; i++)
        {
            var name = net.Layout.Entries[i].Name;
            // A linear bias feeding batch norm has zero gradient in exact arithmetic: what both paths compute is round-off
            // (~1e-8), compared on the scale of a real gradient. Adam scales that noise to full-size steps, so those
            // parameters (and the running means that follow them) drift apart by design and are not compared after training.
            bool biasBeforeBatchNorm = spec.Normalization == NormKind.Batch && name.StartsWith("blocks.")
                && (name.EndsWith(".linear.bias") || name.EndsWith(".running_mean"));
            var ge = reference.FirstGrads[i].Span; var ga = rows.FirstGrads[i].Span;
            float scale = biasBeforeBatchNorm ? 1e-2f : 1e-3f;
            foreach (var v in ge) scale = Math.Max(scale, Math.Abs(v));
            for (int j = 0; j < ge.Length; j++)
                Assert.True(Math.Abs(ge[j] - ga[j]) <= 1e-5f * scale,
                    $"{arch} grad {name}[{j}]: layer {ge[j]:R}, rows {ga[j]:R}");
            if (biasBeforeBatchNorm) continue;
            var e = reference.Theta[i].Span; var a = rows.Theta[i].Span;
            for (int j = 0; j < e.Length; j++)
                Assert.True(Math.Abs(e[j] - a[j]) <= 1e-4 * Math.Max(1, Math.Abs(e[j])),
                    $"{arch} {name}[{j}]: layer {e[j]:R}, rows {a[j]:R}");
        }
    }

    [Fact]
    public void Row_parallel_gradients_are_accumulated_and_deterministic()
    {
        var spec = ArchitectureSpec.Create("relu", new DataShape(40, 10), new NetworkSizes { LinearLayers = 3, Width = 100 });
        var net = Network<float>.Build(spec);
        var theta = Initializer.Initialize(net, 1);
        var rng = new Rng(2);
        var x = new Matrix<float>(64, 40);
        foreach (ref var v in x.Span) v = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, 64).Select(i => i % 10).ToArray();
        var tape = net.CreateTape();
        net.Forward(theta, x, labels, tape, ForwardMode.Train);
        var once = net.CreateParameters();
        net.Backward(theta, tape, once);
        var again = net.CreateParameters();
        net.Backward(theta, tape, again);
        var twice = once.Clone();
        net.Backward(theta, tape, twice);
        for (int i = 0; i < once.Count; i++)
        {
            Assert.Equal(once[i].Span.ToArray(), again[i].Span.ToArray()); // bit-identical run to run
            var a = once[i].Span; var b = twice[i].Span;
            for (int j = 0; j < a.Length; j++) Assert.True(Math.Abs(2 * a[j] - b[j]) <= 1e-6f * Math.Max(1, Math.Abs(b[j])));
        }
    }

    /// <summary>A training pass fuses batch norm → relu into one normalisation pass that writes x̂ over the linear output and
    /// never forms the batch norm's output; an analysis pass (the same batch statistics, no running averages) runs the separate
    /// passes. Logits, x̂ and gradients must carry the same bits.</summary>
    [Theory]
    [InlineData("batch-relu", 128, 0)]
    [InlineData("batch-relu", 128, 1)]
    [InlineData("batch-relu", 128, 2)]
    [InlineData("resnet-batch-relu", 128, 2)]
    [InlineData("resnet-batch-relu", 600, 1)]
    [InlineData("resnet-batch-relu", 600, 2)]
    [InlineData("resnet-batch-relu", 37, 2, BranchLayout.PostActivation)] // a branch's last relu forms the unit's output
    [InlineData("resnet-batch-relu", 128, 0, BranchLayout.PostActivation)]
    public void Fused_training_passes_give_the_bits_of_the_separate_passes(string arch, int batch, int tier,
        BranchLayout layout = ArchitectureSpec.DefaultBranchLayout)
    {
        using var scope = KernelSettings.Use(ElementWiseTiers.Settings(tier));
        var problem = new BitsProblem(arch, batch, 30, seed: 9, randomBiases: false, layout);
        Assert.True(problem.Net.UsesBatchNormRowPath);
        var separate = problem.Pass<BatchNorm<float>.Cache>(ForwardMode.Analyze, c => c.Normalized);
        var fused = problem.Pass<BatchNorm<float>.Cache>(ForwardMode.Train, c => c.Normalized);
        AssertSameBits(separate, fused);
    }

    /// <summary>Layer norm in the row path: a linear layer's bias is added in the layer norm's pass (after the product, which
    /// for a depth of one K block rounds like the bias-first product), and a training pass forms relu's output from each
    /// group of normalised rows. Logits, x̂ and gradients must carry the bits of the analysis pass, and logits and x̂ those of
    /// the layer-by-layer forward (whole-batch products with the bias first).</summary>
    [Theory]
    [InlineData("layer-relu", 128, 30, 0)]
    [InlineData("layer-relu", 128, 30, 1)]
    [InlineData("layer-relu", 600, 30, 2)]
    [InlineData("layer-relu", 64, 300, 2)] // a first product deeper than one K block keeps its bias first
    [InlineData("resnet-layer-relu", 33, 30, 2)]
    [InlineData("layer-relu", 9, 30, 2, 1030)] // wider than a fused group's stack buffer: the separate passes
    public void Fused_layer_norm_passes_give_the_bits_of_the_separate_passes(string arch, int batch, int inputs, int tier,
        int width = 40)
    {
        using var scope = KernelSettings.Use(ElementWiseTiers.Settings(tier));
        var problem = new BitsProblem(arch, batch, inputs, seed: 10, randomBiases: true, width: width);
        Assert.True(problem.Net.UsesRowPath);
        var separate = problem.Pass<LayerNorm<float>.Cache>(ForwardMode.Analyze, c => c.Normalized);
        var fused = problem.Pass<LayerNorm<float>.Cache>(ForwardMode.Train, c => c.Normalized);
        AssertSameBits(separate, fused);
        Pass layered;
        using (KernelSettings.Use(KernelSettings.Current with { DisableRowParallel = true }))
            layered = problem.Pass<LayerNorm<float>.Cache>(ForwardMode.Analyze, c => c.Normalized);
        AssertSameBits(layered, separate, gradients: false);
    }

    /// <summary>In a training pass a product followed by relu goes into relu's output rows and relu replaces it there, so the
    /// tape keeps no pre-activation (relu and tanh take f′ from their output); selu (whose f′ needs its input) keeps it. A
    /// pre-activation residual branch, which ends in a product, is formed in the unit's output and summed there. Logits and
    /// gradients must carry the bits of the analysis pass, which writes the pre-activation and the branch to the tape.</summary>
    [Theory]
    [InlineData("relu", 128, 0, true)]
    [InlineData("relu", 600, 1, true)]
    [InlineData("relu", 33, 2, true)]
    [InlineData("resnet-relu", 128, 2, true)]
    [InlineData("resnet-relu", 37, 1, true, BranchLayout.PostActivation)]
    [InlineData("resnet-relu", 600, 0, true, BranchLayout.PreActivation)]
    [InlineData("resnet-selu", 64, 2, false, BranchLayout.PreActivation)]
    [InlineData("resnet-batch-relu", 128, 2, false, BranchLayout.PreActivation)]
    [InlineData("resnet-batch-relu", 600, 0, false, BranchLayout.PreActivation)]
    [InlineData("resnet-batch-relu", 37, 1, false, BranchLayout.PostActivation)]
    [InlineData("tanh", 64, 2, true)]
    [InlineData("selu", 64, 2, false)]
    public void Training_passes_form_the_pre_activation_in_place_with_the_bits_of_the_analysis_pass(string arch, int batch, int tier,
        bool inPlace, BranchLayout layout = ArchitectureSpec.DefaultBranchLayout)
    {
        using var scope = KernelSettings.Use(ElementWiseTiers.Settings(tier));
        var problem = new BitsProblem(arch, batch, 30, seed: 11, randomBiases: true, layout);
        Assert.True(problem.Net.UsesRowPath || problem.Net.UsesBatchNormRowPath);
        (float[] Logits, ParameterSet<float> Grads, Tape<float> Tape) Run(ForwardMode mode)
        {
            var tape = problem.Net.CreateTape();
            problem.Forward(tape, mode);
            var grads = problem.Net.CreateParameters();
            problem.Net.Backward(problem.Theta, tape, grads);
            return (tape.Logits.Span.ToArray(), grads, tape);
        }
        var analysis = Run(ForwardMode.Analyze);
        var training = Run(ForwardMode.Train);
        Assert.Equal(analysis.Logits, training.Logits);
        for (int p = 0; p < analysis.Grads.Count; p++)
            Assert.Equal(analysis.Grads[p].Span.ToArray(), training.Grads[p].Span.ToArray());
        // The first linear layer followed by an activation: its output is the pre-activation (with its bias) in an analysis
        // pass, and untouched in training when the activation's backward reads only its output.
        // (Batch-norm nets have none: their normalisation pass writes x̂ over the product and forms f there.)
        var (b, i) = Enumerable.Range(0, problem.Net.BlockCount)
            .SelectMany(block => Enumerable.Range(0, problem.Net.Blocks[block].Layers.Count - 1).Select(layer => (block, layer)))
            .FirstOrDefault(at => problem.Net.Blocks[at.block].Layers[at.layer] is Linear<float>
                && problem.Net.Blocks[at.block].Layers[at.layer + 1].IsNonlinearity, (block: -1, layer: -1));
        Assert.Equal(problem.Net.UsesBatchNormRowPath, b < 0);
        if (b >= 0)
        {
            var analysisZ = analysis.Tape.BlockCaches[b].Outputs[i].Span.ToArray();
            var trainingZ = training.Tape.BlockCaches[b].Outputs[i].Span.ToArray();
            Assert.Contains(analysisZ, v => v != 0);
            if (inPlace) Assert.All(trainingZ, v => Assert.Equal(0f, v));
            else Assert.Equal(analysisZ, trainingZ);
        }
        // A pre-activation branch ends in a product: training forms it in the unit's output, and keeps no branch output.
        int unit = Enumerable.Range(0, problem.Net.BlockCount).FirstOrDefault(k => problem.Net.Blocks[k] is ResidualUnit<float>, -1);
        if (unit < 0) return;
        var analysisBranch = analysis.Tape.BlockCaches[unit].Outputs[^1].Span.ToArray();
        var trainingBranch = training.Tape.BlockCaches[unit].Outputs[^1].Span.ToArray();
        Assert.Contains(analysisBranch, v => v != 0);
        if (layout == BranchLayout.PreActivation) Assert.All(trainingBranch, v => Assert.Equal(0f, v));
        else Assert.Equal(analysisBranch, trainingBranch);
    }

    /// <summary>A training pass leaves a normalisation layer's output unwritten when relu follows; the layer-by-layer backward
    /// of that tape must not read it (relu's f′ comes from its own output there too) and must give the gradients of the
    /// row-parallel backward, up to float summation order.</summary>
    [Theory]
    [InlineData("batch-relu")]
    [InlineData("layer-relu")]
    public void Layer_by_layer_backward_of_a_fused_training_tape_matches_the_row_parallel_one(string arch)
    {
        var problem = new BitsProblem(arch, 64, 30, seed: 5, randomBiases: true);
        var tape = problem.Net.CreateTape();
        problem.Forward(tape, ForwardMode.Train);
        var rows = problem.Net.CreateParameters();
        problem.Net.Backward(problem.Theta, tape, rows);
        var layered = problem.Net.CreateParameters();
        using (KernelSettings.Use(KernelSettings.Current with { DisableRowParallel = true }))
            problem.Net.Backward(problem.Theta, tape, layered);
        for (int i = 0; i < rows.Count; i++)
        {
            float[] a = rows[i].Span.ToArray(), b = layered[i].Span.ToArray();
            float scale = 1e-5f * Math.Max(1f, a.Max(Math.Abs));
            for (int j = 0; j < a.Length; j++) Assert.True(Math.Abs(a[j] - b[j]) <= scale, $"parameter {i}[{j}]: {a[j]} vs {b[j]}");
        }
    }

    /// <summary>Logits, the normalisation layers' x̂ and the gradients of one forward and backward pass.</summary>
    private sealed record Pass(float[] Logits, List<float[]> Normalized, ParameterSet<float> Grads);

    /// <summary>A 6-layer network of <paramref name="arch"/> (40 wide unless told) with a random batch; with
    /// <paramref name="randomBiases"/> the biases are non-zero (the initial ones are zero), so that where a bias is added
    /// matters.</summary>
    private sealed class BitsProblem
    {
        private readonly ParameterSet<float> _theta;
        private readonly Matrix<float> _x;
        private readonly int[] _labels;

        public BitsProblem(string arch, int batch, int inputs, int seed, bool randomBiases,
            BranchLayout layout = ArchitectureSpec.DefaultBranchLayout, int width = 40)
        {
            Net = Network<float>.Build(ArchitectureSpec.Create(arch, new DataShape(inputs, 10),
                new NetworkSizes { LinearLayers = 6, Width = width, UnitSize = 2 }, layout));
            _theta = Initializer.Initialize(Net, 4);
            var rng = new Rng((ulong)seed);
            if (randomBiases)
                for (int p = 0; p < Net.Layout.Count; p++)
                    if (Net.Layout.Entries[p].Name.EndsWith(".bias", StringComparison.Ordinal))
                        foreach (ref var v in _theta[p].Span) v = (float)(0.1 * rng.NextGaussian());
            _x = new Matrix<float>(batch, inputs);
            foreach (ref var v in _x.Span) v = (float)rng.NextGaussian();
            _labels = Enumerable.Range(0, batch).Select(i => (i * 3) % 10).ToArray();
        }

        public Network<float> Net { get; }

        public ParameterSet<float> Theta => _theta;

        public void Forward(Tape<float> tape, ForwardMode mode) => Net.Forward(_theta, _x, _labels, tape, mode);

        public Pass Pass<TCache>(ForwardMode mode, Func<TCache, Matrix<float>> normalized)
        {
            var tape = Net.CreateTape();
            Forward(tape, mode);
            var xhat = tape.BlockCaches.SelectMany(c => c.LayerCaches).OfType<TCache>().Select(c => normalized(c).Span.ToArray()).ToList();
            var grads = Net.CreateParameters();
            Net.Backward(_theta, tape, grads);
            return new Pass(tape.Logits.Span.ToArray(), xhat, grads);
        }
    }

    private static void AssertSameBits(Pass expected, Pass actual, bool gradients = true)
    {
        Assert.Equal(expected.Logits, actual.Logits);
        Assert.NotEmpty(actual.Normalized);
        Assert.Equal(expected.Normalized.Count, actual.Normalized.Count);
        for (int i = 0; i < actual.Normalized.Count; i++) Assert.Equal(expected.Normalized[i], actual.Normalized[i]);
        if (!gradients) return;
        for (int i = 0; i < actual.Grads.Count; i++) Assert.Equal(expected.Grads[i].Span.ToArray(), actual.Grads[i].Span.ToArray());
    }

    [Fact]
    public void Batch_norm_networks_take_the_phased_row_path_plain_and_residual()
    {
        var plain = Network<float>.Build(
            ArchitectureSpec.Create("batch-relu", new DataShape(5, 10), new NetworkSizes { LinearLayers = 2, Width = 10 }));
        Assert.False(plain.UsesRowPath);
        Assert.True(plain.UsesBatchNormRowPath);
        var resnet = Network<float>.Build(
            ArchitectureSpec.Create("resnet-batch-relu", new DataShape(5, 10), new NetworkSizes { LinearLayers = 4, Width = 10 }));
        Assert.False(resnet.UsesRowPath);
        Assert.True(resnet.UsesBatchNormRowPath);
        var noNorm = Network<float>.Build(
            ArchitectureSpec.Create("resnet-relu", new DataShape(5, 10), new NetworkSizes { LinearLayers = 4, Width = 10 }));
        Assert.True(noNorm.UsesRowPath);
        Assert.False(noNorm.UsesBatchNormRowPath);
    }
}
