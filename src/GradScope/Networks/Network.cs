using System.Numerics;
using System.Text;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>
/// A zoo network: blocks applied input → output, then the output linear layer and the error layer.
/// Positions are counted from the output side as in the paper (SPEC §1.1): position 0 is the
/// per-example loss vector, position 1 the output of the last block, …, position L the output of the
/// first block; position L + 1 is the network input. The network holds no parameter values:
/// every pass takes a <see cref="ParameterSet{T}"/> and a caller-owned <see cref="Tape{T}"/>.
/// </summary>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Network(ArchitectureSpec spec, ParameterLayout layout, IReadOnlyList<Block<T>> blocks, Linear<T> output)
    {
        Spec = spec;
        Layout = layout;
        Blocks = blocks;
        Output = output;
        Loss = new SoftmaxCrossEntropy<T>(output.OutputDim);
    }

    public ArchitectureSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public IReadOnlyList<Block<T>> Blocks { get; }
    public Linear<T> Output { get; }
    public SoftmaxCrossEntropy<T> Loss { get; }

    /// <summary>L, the number of blocks.</summary>
    public int BlockCount => Blocks.Count;
    public int InputDim => Blocks[0].InputDim;
    public int Classes => Output.OutputDim;
    public bool CouplesExamples => Blocks.Any(b => b.CouplesExamples);

    /// <summary>Builds the network a spec describes (parameters are created separately, see <see cref="Initializer"/>).</summary>
    public static Network<T> Build(ArchitectureSpec spec) => NetworkBuilder.Build<T>(spec);

    public Tape<T> CreateTape() => new(this);

    public ParameterSet<T> CreateParameters() => new(Layout);

    /// <summary>Width of position l (1 for the loss vector).</summary>
    public int PositionWidth(int position) =>
        position == 0 ? 1 : position == BlockCount + 1 ? InputDim : Blocks[BlockIndexOfPosition(position)].OutputDim;

    /// <summary>Index (input side first) of the block whose output is position l, for 1 ≤ l ≤ L.</summary>
    public int BlockIndexOfPosition(int position)
    {
        if (position < 1 || position > BlockCount)
            throw new ArgumentOutOfRangeException(nameof(position), $"Block positions are 1..{BlockCount}.");
        return BlockCount - position;
    }

    /// <summary>Forward pass up to the logits (no labels needed).</summary>
    public void ForwardLogits(ParameterSet<T> theta, Matrix<T> input, Tape<T> tape, ForwardMode mode)
    {
        if (input.Cols != InputDim)
            throw new ArgumentException($"The network expects {InputDim} input features, the batch has {input.Cols}.");
        tape.Activations[0] = input;
        tape.Mode = mode;
        if (UsesRowPath)
        {
            RowParallel.Forward(this, theta, input, tape, mode);
            return;
        }
        if (UsesBatchNormRowPath && mode != ForwardMode.Eval)
        {
            RowParallel.ForwardBatchNorm(this, theta, input, tape, mode);
            return;
        }
        for (int b = 0; b < Blocks.Count; b++)
            Blocks[b].Forward(theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], mode);
        Output.Forward(theta, tape.Activations[^1], tape.Logits, tape.OutputCache, mode);
    }

    /// <summary>Full forward pass to the per-example losses (position 0). Returns the mean loss.</summary>
    public double Forward(ParameterSet<T> theta, Matrix<T> input, ReadOnlySpan<int> labels, Tape<T> tape, ForwardMode mode)
    {
        ForwardLogits(theta, input, tape, mode);
        tape.SetLabels(labels, input.Rows);
        Loss.Forward(tape.Logits, tape.Labels, tape.Losses, tape.Probabilities);
        double sum = 0;
        foreach (var v in tape.Losses.Span) sum += double.CreateTruncating(v);
        return sum / input.Rows;
    }

    /// <summary>
    /// One step of back-propagation: maps C stacked cotangents at <paramref name="position"/> to the
    /// cotangents at position + 1 (the input of that block; null when not needed), accumulating
    /// parameter gradients when <paramref name="grads"/> is given.
    /// </summary>
    public void BackwardStep(ParameterSet<T> theta, Tape<T> tape, int position, Matrix<T> cotangent, Matrix<T>? next,
        ParameterSet<T>? grads)
    {
        if (position == 0)
        {
            Loss.Backward(tape.Probabilities, tape.Labels, cotangent, tape.LogitsCotangent);
            Output.Backward(theta, tape.Activations[^1], tape.Logits, tape.OutputCache, tape.LogitsCotangent, next, grads);
            return;
        }
        int b = BlockIndexOfPosition(position);
        Blocks[b].Backward(theta, tape.Activations[b], tape.Activations[b + 1], tape.BlockCaches[b], cotangent, next, grads);
    }

    /// <summary>Gradient of the mean loss of the last forward pass; grads are accumulated (zero them first).</summary>
    public void Backward(ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads) => Backward(theta, tape, grads, overwrite: false);

    /// <summary>Gradient of the mean loss of the last forward pass written into grads, whatever they held: a training step's
    /// gradient without zeroing grads first. The same values as <see cref="ParameterSet{T}.Clear"/> then
    /// <see cref="Backward(ParameterSet{T}, Tape{T}, ParameterSet{T})"/>; the row-parallel passes write their first slice's
    /// gradients instead of adding them to zeros, which spares a serial clear of every gradient and a read of it per step.</summary>
    public void Gradient(ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads) => Backward(theta, tape, grads, overwrite: true);

    private void Backward(ParameterSet<T> theta, Tape<T> tape, ParameterSet<T> grads, bool overwrite)
    {
        int batch = tape.BatchSize;
        var current = tape.CotangentA.Resize(batch, 1);
        current.Span.Fill(T.One / T.CreateChecked(batch));
        if (UsesRowPath)
        {
            Loss.Backward(tape.Probabilities, tape.Labels, current, tape.LogitsCotangent);
            RowParallel.Backward(this, theta, tape, grads, overwrite);
            return;
        }
        if (UsesBatchNormRowPath && tape.Mode != ForwardMode.Eval)
        {
            Loss.Backward(tape.Probabilities, tape.Labels, current, tape.LogitsCotangent);
            RowParallel.BackwardBatchNorm(this, theta, tape, grads, overwrite);
            return;
        }
        if (overwrite) grads.Clear();
        for (int position = 0; position <= BlockCount; position++)
        {
            var next = position == BlockCount ? null : (ReferenceEquals(current, tape.CotangentA) ? tape.CotangentB : tape.CotangentA);
            BackwardStep(theta, tape, position, current, next, grads);
            if (next is not null) current = next;
        }
    }

    private bool? _rowLocal;

    /// <summary>True when training passes run <see cref="RowParallel{T}"/>: every layer maps examples independently
    /// (no batch norm; layer norm is per example), so each thread can take a slice of the batch through the whole network.
    /// <see cref="KernelSettings.DisableRowParallel"/> sends them layer by layer (tests compare the two paths).</summary>
    internal bool UsesRowPath =>
        !KernelSettings.Current.DisableRowParallel && (_rowLocal ??= Blocks.All(b => b.RowLocal) && Output.RowLocal);

    /// <summary>True when batch-statistics training passes run <see cref="RowParallel{T}.ForwardBatchNorm"/>: plain blocks and
    /// residual units of row-local and batch-norm layers (batch-relu, resnet-batch-tanh, …), sliced by rows with one pool
    /// call per batch-norm layer to combine the slices' statistics.</summary>
    internal bool UsesBatchNormRowPath => !KernelSettings.Current.DisableRowParallel && RowParallel.HasBatchNormPhases;

    private RowParallel<T>? _rowParallel;
    internal RowParallel<T> RowParallel => _rowParallel ??= new RowParallel<T>(this);

    /// <summary>The network printed as its blocks and sizes.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{Spec}  —  {Layout.TrainableCount:N0} trainable parameters");
        for (int b = 0; b < Blocks.Count; b++)
            sb.AppendLine($"  [{BlockCount - b,3}] {Blocks[b].Name}: {Blocks[b].Describe()}");
        sb.AppendLine($"        output: {Output.Describe()} → softmax cross-entropy (position 0)");
        return sb.ToString();
    }

    public override string ToString() => Describe();
}
