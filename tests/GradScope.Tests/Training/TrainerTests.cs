using GradScope.Data;
using GradScope.Networks;
using GradScope.Training;

namespace GradScope.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gradscope-trainer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A learnable toy problem: the label is the index of the largest of the first 3 features.</summary>
    internal static DatasetSplits ToyData(int train = 240, int test = 60)
    {
        Dataset Make(int count, ulong seed)
        {
            var inputs = GaussianNoise.Sample<float>(count, 8, seed);
            var labels = new int[count];
            for (int r = 0; r < count; r++)
            {
                var row = inputs.Row(r);
                labels[r] = row[0] > row[1] ? (row[0] > row[2] ? 0 : 2) : (row[1] > row[2] ? 1 : 2);
            }
            return new Dataset("toy", inputs, labels, 3);
        }
        return new DatasetSplits(Make(train, 1), Make(test, 2));
    }

    private static TrainingConfig Config(string arch, OptimizerKind optimizer, double lr, int epochs) => new()
    {
        Architecture = ArchitectureSpec.Create(arch, new DataShape(8, 3), new NetworkSizes { LinearLayers = 4, Width = 16 }),
        Optimizer = optimizer,
        LearningRate = lr,
        BatchSize = 32,
        Epochs = epochs,
        Seed = 9,
    };

    [Fact]
    public void Training_reduces_the_error_of_a_learnable_problem()
    {
        var result = new Trainer(Config("relu", OptimizerKind.Adam, 1e-2, 8), ToyData(), null, null).Run();
        Assert.Equal(RunStatus.Completed, result.State.Status);
        Assert.True(result.History[^1].TrainError < 0.2, $"train error {result.History[^1].TrainError}");
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
    }

    [Theory]
    [InlineData("batch-relu", OptimizerKind.Adam)]
    [InlineData("resnet-layer-tanh", OptimizerKind.Momentum)]
    public void Interrupted_and_resumed_runs_equal_uninterrupted_ones(string arch, OptimizerKind optimizer)
    {
        var data = ToyData();
        var config = Config(arch, optimizer, 1e-2, 3);
        string straight = Path.Combine(_root, "straight"), resumed = Path.Combine(_root, "resumed");
        var reference = new Trainer(config, data, null, straight).Run();

        using var cancel = new CancellationTokenSource();
        var interrupted = new Trainer(config, data, null, resumed) { Observer = new CancelAfter(1, cancel) };
        Assert.Throws<OperationCanceledException>(() => interrupted.Run(cancel.Token));
        Assert.Equal(1, new RunDirectory(resumed).ReadState()!.EpochsCompleted);

        var continued = new Trainer(config, data, null, resumed).Resume();
        Assert.Equal(RunStatus.Completed, continued.State.Status);
        for (int i = 0; i < reference.Parameters.Count; i++)
            Assert.True(reference.Parameters[i].Span.SequenceEqual(continued.Parameters[i].Span),
                $"tensor {reference.Parameters.Layout.Entries[i].Name} differs");
        var a = new RunDirectory(straight).ReadMetrics();
        var b = new RunDirectory(resumed).ReadMetrics();
        static (int, double, double?, double?) Key(EpochMetrics m) => (m.Epoch, m.TrainLoss, m.TrainError, m.TestError);
        Assert.Equal(a.Select(Key), b.Select(Key));
    }

    [Fact]
    public void Exploding_learning_rates_mark_the_run_diverged_without_throwing()
    {
        string dir = Path.Combine(_root, "diverged");
        var result = new Trainer(Config("relu", OptimizerKind.Sgd, 1e4, 3), ToyData(), null, dir).Run();
        Assert.Equal(RunStatus.Diverged, result.State.Status);
        Assert.Equal(RunStatus.Diverged, new RunDirectory(dir).ReadState()!.Status);
        Assert.Equal(EpochStatus.Diverged, new RunDirectory(dir).ReadMetrics()[^1].Status);
        // The documented lowercase strings, not the enum member names.
        Assert.Contains("\"status\": \"diverged\"", File.ReadAllText(new RunDirectory(dir).StatePath));
        Assert.Contains("\"status\":\"diverged\"", File.ReadAllLines(new RunDirectory(dir).MetricsPath)[^1]);
    }

    [Fact]
    public void Checkpoint_round_trips_parameters_initial_parameters_and_state()
    {
        string dir = Path.Combine(_root, "ckpt");
        var config = Config("resnet-batch-relu", OptimizerKind.Adam, 1e-2, 1);
        var result = new Trainer(config, ToyData(), null, dir).Run();
        var checkpoint = Checkpoint.Load(new RunDirectory(dir).CheckpointPath);
        Assert.Equal(config.Architecture, checkpoint.Architecture);
        Assert.Equal(1, checkpoint.State!.EpochsCompleted);
        Assert.Equal(config.Seed, checkpoint.Config!.Seed);
        for (int i = 0; i < result.Parameters.Count; i++)
        {
            Assert.True(result.Parameters[i].Span.SequenceEqual(checkpoint.Parameters[i].Span));
            Assert.True(result.InitialParameters[i].Span.SequenceEqual(checkpoint.InitialParameters[i].Span));
        }
        Assert.False(result.Parameters[0].Span.SequenceEqual(result.InitialParameters[0].Span));
    }

    private sealed class CancelAfter(int epoch, CancellationTokenSource cancel) : ITrainingObserver
    {
        public void OnEpochEnd(EpochMetrics metrics)
        {
            if (metrics.Epoch == epoch) cancel.Cancel();
        }
    }
}
