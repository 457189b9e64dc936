using System.Numerics;
using GradScope.Tensors;

namespace GradScope.Training;

public enum OptimizerKind { Sgd, Momentum, Adam, RmsProp }

/// <summary>
/// A first-order update rule θ ← θ − lr·u(g, state), with PyTorch's default hyper-parameters so that
/// learning rates transfer: momentum μ = 0.9; Adam β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (bias-corrected);
/// RMSprop α = 0.99, ε = 1e-8. Only trainable tensors are updated (batch-norm running statistics are not).
/// State tensors are exposed by name so checkpoints can store them and resumed runs continue exactly.
/// </summary>
public abstract class Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected Optimizer(ParameterLayout layout, double learningRate)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentException($"The learning rate must be a positive finite number (got {learningRate}).");
        Layout = layout;
        LearningRate = learningRate;
    }

    public ParameterLayout Layout { get; }
    public double LearningRate { get; }
    /// <summary>Number of updates applied so far (Adam's bias correction needs it).</summary>
    public long StepCount { get; set; }

    public abstract OptimizerKind Kind { get; }

    /// <summary>Named state tensors (<c>optimizer.{parameter}.{slot}</c>), empty for plain SGD.</summary>
    public abstract IEnumerable<(string Name, Matrix<T> Tensor)> State { get; }

    /// <summary>Below this many trainable values a step runs on the calling thread only.</summary>
    internal static int ParallelThreshold = 1 << 16;
    /// <summary>Elements per parallel task (a multiple of every vector width).</summary>
    private const int ChunkLength = 1 << 14;
    private (int Index, int Offset, int Length)[]? _chunks;

    public void Step(ParameterSet<T> theta, ParameterSet<T> grads)
    {
        StepCount++;
        VectorTier tier = ElementWise.TierFor<T>();
        var pool = WorkerPool.Shared;
        if (Layout.TrainableCount >= ParallelThreshold && pool.CanRunParallel)
        {
            // Every update is element-wise: cut all tensors into equal chunks and spread them over the pool.
            var chunks = _chunks ??= BuildChunks();
            pool.For(chunks.Length, new StepWork(this, theta, grads, chunks, tier));
            return;
        }
        for (int i = 0; i < Layout.Count; i++)
            if (Layout.Entries[i].Trainable) Update(i, 0, theta[i].Span, grads[i].Span, tier);
    }

    private (int, int, int)[] BuildChunks()
    {
        var list = new List<(int, int, int)>();
        for (int i = 0; i < Layout.Count; i++)
        {
            var e = Layout.Entries[i];
            if (!e.Trainable) continue;
            for (int o = 0; o < e.Length; o += ChunkLength) list.Add((i, o, Math.Min(ChunkLength, e.Length - o)));
        }
        return list.ToArray();
    }

    private readonly struct StepWork(Optimizer<T> optimizer, ParameterSet<T> theta, ParameterSet<T> grads,
        (int Index, int Offset, int Length)[] chunks, VectorTier tier) : IWorkItem
    {
        public void Invoke(int task)
        {
            var (i, o, n) = chunks[task];
            optimizer.Update(i, o, theta[i].Span.Slice(o, n), grads[i].Span.Slice(o, n), tier);
        }
    }

    /// <summary>Updates elements [offset, offset + theta.Length) of parameter <paramref name="index"/>.</summary>
    private protected abstract void Update(int index, int offset, Span<T> theta, ReadOnlySpan<T> grad, VectorTier tier);

    public static Optimizer<T> Create(OptimizerKind kind, ParameterLayout layout, double learningRate) => kind switch
    {
        OptimizerKind.Sgd => new Sgd<T>(layout, learningRate),
        OptimizerKind.Momentum => new Momentum<T>(layout, learningRate),
        OptimizerKind.Adam => new Adam<T>(layout, learningRate),
        OptimizerKind.RmsProp => new RmsProp<T>(layout, learningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static OptimizerKind ParseKind(string name) => name.Trim().ToLowerInvariant() switch
    {
        "sgd" => OptimizerKind.Sgd,
        "momentum" or "sgd-momentum" => OptimizerKind.Momentum,
        "adam" => OptimizerKind.Adam,
        "rmsprop" => OptimizerKind.RmsProp,
        _ => throw new ArgumentException($"Unknown optimizer '{name}'. Valid: sgd, momentum, adam, rmsprop."),
    };

    public static string KindName(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.Momentum => "momentum",
        OptimizerKind.Adam => "adam",
        OptimizerKind.RmsProp => "rmsprop",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>One zero-initialised slot tensor per trainable parameter (null for buffers).</summary>
    protected Matrix<T>?[] CreateSlots() =>
        Layout.Entries.Select(e => e.Trainable ? new Matrix<T>(e.Rows, e.Cols) : null).ToArray();

    protected IEnumerable<(string, Matrix<T>)> NamedSlots(Matrix<T>?[] slots, string slot)
    {
        for (int i = 0; i < slots.Length; i++)
            if (slots[i] is { } tensor) yield return ($"optimizer.{Layout.Entries[i].Name}.{slot}", tensor);
    }
}

/// <summary>θ ← θ − lr·g.</summary>
public sealed class Sgd<T>(ParameterLayout layout, double learningRate) : Optimizer<T>(layout, learningRate)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override OptimizerKind Kind => OptimizerKind.Sgd;
    public override IEnumerable<(string Name, Matrix<T> Tensor)> State => [];

    private protected override void Update(int index, int offset, Span<T> theta, ReadOnlySpan<T> grad, VectorTier tier) =>
        OptimizerKernels.Sgd(theta, grad, T.CreateChecked(LearningRate), tier);
}

/// <summary>v ← μv + g; θ ← θ − lr·v (PyTorch's form of heavy-ball momentum).</summary>
public sealed class Momentum<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Mu = 0.9;
    private readonly Matrix<T>?[] _velocity;

    public Momentum(ParameterLayout layout, double learningRate) : base(layout, learningRate) => _velocity = CreateSlots();

    public override OptimizerKind Kind => OptimizerKind.Momentum;
    public override IEnumerable<(string Name, Matrix<T> Tensor)> State => NamedSlots(_velocity, "velocity");

    private protected override void Update(int index, int offset, Span<T> theta, ReadOnlySpan<T> grad, VectorTier tier) =>
        OptimizerKernels.Momentum(theta, grad, _velocity[index]!.Span.Slice(offset, theta.Length),
            T.CreateChecked(LearningRate), T.CreateChecked(Mu), tier);
}

/// <summary>
/// Adam (Kingma &amp; Ba 2015): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// </summary>
public sealed class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly Matrix<T>?[] _first, _second;

    public Adam(ParameterLayout layout, double learningRate) : base(layout, learningRate)
    {
        _first = CreateSlots();
        _second = CreateSlots();
    }

    public override OptimizerKind Kind => OptimizerKind.Adam;
    public override IEnumerable<(string Name, Matrix<T> Tensor)> State =>
        NamedSlots(_first, "exp_avg").Concat(NamedSlots(_second, "exp_avg_sq"));

    private protected override void Update(int index, int offset, Span<T> theta, ReadOnlySpan<T> grad, VectorTier tier)
    {
        T b1 = T.CreateChecked(Beta1), b2 = T.CreateChecked(Beta2), eps = T.CreateChecked(Epsilon);
        T correction1 = T.CreateChecked(1 - Math.Pow(Beta1, StepCount));
        T correction2Sqrt = T.CreateChecked(Math.Sqrt(1 - Math.Pow(Beta2, StepCount)));
        T stepSize = T.CreateChecked(LearningRate) / correction1;
        OptimizerKernels.Adam(theta, grad,
            _first[index]!.Span.Slice(offset, theta.Length), _second[index]!.Span.Slice(offset, theta.Length),
            b1, b2, stepSize, correction2Sqrt, eps, tier);
    }
}

/// <summary>RMSprop (PyTorch form): v ← αv + (1−α)g²; θ ← θ − lr·g/(√v + ε).</summary>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const double Alpha = 0.99, Epsilon = 1e-8;
    private readonly Matrix<T>?[] _square;

    public RmsProp(ParameterLayout layout, double learningRate) : base(layout, learningRate) => _square = CreateSlots();

    public override OptimizerKind Kind => OptimizerKind.RmsProp;
    public override IEnumerable<(string Name, Matrix<T> Tensor)> State => NamedSlots(_square, "square_avg");

    private protected override void Update(int index, int offset, Span<T> theta, ReadOnlySpan<T> grad, VectorTier tier) =>
        OptimizerKernels.RmsProp(theta, grad, _square[index]!.Span.Slice(offset, theta.Length),
            T.CreateChecked(LearningRate), T.CreateChecked(Alpha), T.CreateChecked(Epsilon), tier);
}
