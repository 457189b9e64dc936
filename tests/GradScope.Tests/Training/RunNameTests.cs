using GradScope.Data;
using GradScope.Networks;
using GradScope.Reproduction;
using GradScope.Training;

namespace GradScope.Tests.Training;

/// <summary>One naming function for run directories and cell ids, holding every option that changes the result.</summary>
public class RunNameTests
{
    private static readonly TrainingConfig Base = new()
    {
        Architecture = ArchitectureSpec.Create("resnet-batch-relu", new DataShape(8, 3), new NetworkSizes { LinearLayers = 6, Width = 16 }),
        Optimizer = OptimizerKind.Sgd,
        LearningRate = 0.1,
        BatchSize = 32,
        Epochs = 2,
        Seed = 1,
    };

    /// <summary>Options that change the trained network or its errors.</summary>
    private static readonly Func<TrainingConfig, TrainingConfig>[] ResultChanging =
    [
        c => c with { Architecture = c.Architecture with { IsResidual = false } },
        c => c with { Architecture = c.Architecture with { Normalization = NormKind.Layer } },
        c => c with { Architecture = c.Architecture with { Activation = GradScope.Layers.ActivationKind.Tanh } },
        c => c with { Architecture = c.Architecture with { Init = InitKind.Orthogonal } },
        c => c with { Architecture = c.Architecture with { LinearLayers = 8 } },
        c => c with { Architecture = c.Architecture with { Width = 18 } },
        c => c with { Architecture = c.Architecture with { UnitSize = 3 } },
        c => c with { Architecture = c.Architecture with { ResidualWeight = 0.3 } },
        c => c with { Architecture = c.Architecture with { ResidualWeight = 0.30000001 } },
        c => c with { Optimizer = OptimizerKind.RmsProp },
        c => c with { LearningRate = 0.1000001 },
        c => c with { BatchSize = 64 },
        c => c with { Epochs = 3 },
        c => c with { Seed = 2 },
        c => c with { Dataset = "mnist" },
        c => c with { TrainSubset = 500 },
        c => c with { TestSubset = 100 },
        c => c with { DivergenceLoss = 50 },
    ];

    [Fact]
    public void A_default_training_run_has_a_readable_name()
    {
        var config = new TrainingConfig { Architecture = ArchitectureSpec.Create("batch-relu", DataShape.FashionMnist) };
        Assert.Equal("batch-relu-d50-w100-adam-lr0.001-b128-e10-s1", RunName.Of(config));
        Assert.Equal("resnet-batch-relu-d6-w16-m2-sgd-lr0.1-b32-e2-s1", RunName.Of(Base));
    }

    [Fact]
    public void Every_option_that_changes_the_result_changes_the_name()
    {
        var names = ResultChanging.Select(change => RunName.Of(change(Base).Validate())).Prepend(RunName.Of(Base)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Runs_that_differ_only_in_the_residual_weight_do_not_collide()
    {
        var a = Base with { Architecture = Base.Architecture with { ResidualWeight = 0.1 } };
        var b = Base with { Architecture = Base.Architecture with { ResidualWeight = 1.0 } };
        Assert.NotEqual(RunName.Of(a), RunName.Of(b));
        Assert.Contains("-wr0.1-", RunName.Of(a));
    }

    [Fact]
    public void Options_that_only_choose_what_is_measured_or_where_data_lives_keep_the_name()
    {
        string name = RunName.Of(Base);
        Assert.Equal(name, RunName.Of(Base with { DiagnoseEvery = 1, DiagnosticsBatch = 64, DataDirectory = "/data" }));
        Assert.Equal(name, RunName.Of(Base with { Architecture = Base.Architecture with { InputDim = 784, Classes = 10 } }));
        // Residual-unit settings do not exist in a plain network.
        var plain = Base with { Architecture = Base.Architecture with { IsResidual = false } };
        var unitSettings = plain with { Architecture = plain.Architecture with { UnitSize = 3, ResidualWeight = 0.5 } };
        Assert.Equal(RunName.Of(plain), RunName.Of(unitSettings));
    }

    /// <summary>Fails when an option is added without deciding whether it belongs in the name (RunName or the ignored list).</summary>
    [Fact]
    public void Every_configuration_property_is_either_named_or_deliberately_left_out()
    {
        string[] configNamed =
            ["Architecture", "Optimizer", "LearningRate", "BatchSize", "Epochs", "Seed", "Dataset", "TrainSubset", "TestSubset",
                "DivergenceLoss"];
        string[] configIgnored = ["DataDirectory", "DiagnoseEvery", "DiagnosticsBatch"];
        string[] archNamed =
            ["IsResidual", "Normalization", "Activation", "Init", "LinearLayers", "Width", "UnitSize", "ResidualWeight", "BranchLayout"];
        string[] archIgnored = ["InputDim", "Classes"];
        Assert.Equal([.. configNamed.Concat(configIgnored).Order()], Settable<TrainingConfig>());
        Assert.Equal([.. archNamed.Concat(archIgnored).Order()], Settable<ArchitectureSpec>());
    }

    [Fact]
    public void Cell_ids_use_the_same_name()
    {
        var train = TrainCellSpec.Create(Base, 100, 20, null, 10, 0.01);
        Assert.Equal($"train-{RunName.Of(Base)}", train.Id);
        var init = InitCellSpec.Create(Base.Architecture, InitCellSpec.Noise, 64, 3);
        Assert.Equal($"init-{RunName.Architecture(Base.Architecture)}-noise-b64-s3", init.Id);
    }

    private static string[] Settable<T>() =>
        [.. typeof(T).GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name).Order()];
}
