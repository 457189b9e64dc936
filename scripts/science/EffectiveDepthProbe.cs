using System.Globalization;
using System.Text.Json;
using GradScope;
using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Layers;
using GradScope.Networks;
using GradScope.Tensors;
using GradScope.Training;

// The effective-depth investigation of docs/faithfulness.md (issue 10 item 2): trains one network and prints, next to
// the λ-profile, the per-block drift and residual-Jacobian ratio, both effective-depth definitions and the Taylor
// experiment from both sides for every m. One JSON line per run on stdout.
// Usage: dotnet run -c Release -- arch depth optimizer lr epochs subset seed [pre|post] [w_r]
var a = args;
var culture = CultureInfo.InvariantCulture;
var (splits, _) = Standardizer.FitTransform(DatasetLocator.Load("fashion-mnist"));
var sizes = new NetworkSizes
{
    LinearLayers = int.Parse(a[1], culture),
    ResidualWeight = a.Length > 8 ? double.Parse(a[8], culture) : null,
};
var spec = ArchitectureSpec.Create(a[0], new DataShape(splits.Train.Features, splits.Train.Classes), sizes) with
{
    BranchLayout = a.Length > 7 && a[7] == "post" ? BranchLayout.PostActivation : BranchLayout.PreActivation,
};
var optimizer = Enum.Parse<OptimizerKind>(a[2], ignoreCase: true);
double lr = double.Parse(a[3], culture);
int epochs = int.Parse(a[4], culture), subset = int.Parse(a[5], culture);
ulong seed = ulong.Parse(a[6], culture);

var config = new TrainingConfig
{
    Architecture = spec, Optimizer = optimizer, LearningRate = lr, Epochs = epochs, Seed = seed,
    TrainSubset = subset, TestSubset = 2000,
};
var trainer = new Trainer(config, splits, null, null);
var watch = System.Diagnostics.Stopwatch.StartNew();
var trained = trainer.Run();
double trainSeconds = watch.Elapsed.TotalSeconds;
var last = trained.History.Count > 0 ? trained.History[^1] : null;

// Diagnostics in double on 256 training examples, batch statistics (as in training).
var sample = trainer.TrainingSet.Take(256);
var net = Network<double>.Build(spec);
var theta = trained.Parameters.Convert<double>();
var theta0 = trained.InitialParameters.Convert<double>();
var tape = net.CreateTape();
net.Forward(theta, sample.Inputs.Convert<double>(), sample.Labels, tape, ForwardMode.Analyze);
var tools = new JacobianTools<double>(net, theta, tape);
var profile = GradientScale.Profile(tools);
var trick = ResidualTrick.Compute(net, theta, theta0, tape);
var change = BlockChange.Compute(net, theta, theta0, tape);

var taylorData = trainer.TrainingSet.Take(1000);
var counts = Enumerable.Range(0, net.BlockCount + 1).ToList();
TaylorResult Taylor(TaylorSide side, TaylorExpansion expansion) => TaylorExperiment.Run(trained.Network, trained.Parameters,
    trained.InitialParameters, taylorData.Inputs, taylorData.Labels,
    new TaylorOptions { Side = side, Counts = counts, Expansion = expansion });
var taylor = new Dictionary<string, double[]>();
foreach (var side in new[] { TaylorSide.NearestInput, TaylorSide.NearestOutput })
    foreach (var expansion in new[] { TaylorExpansion.Section, TaylorExpansion.Network })
        taylor[$"{side}-{expansion}"] = [.. Taylor(side, expansion).Points.Select(p => Math.Round(p.Error, 4))];

var record = new
{
    arch = spec.Name, layout = spec.IsResidual ? spec.BranchLayout.ToString() : null,
    w_r = spec.IsResidual ? spec.EffectiveResidualWeight : (double?)null,
    depth = spec.LinearLayers, blocks = net.BlockCount, optimizer = optimizer.ToString(), lr, epochs, subset, seed,
    status = trained.State.Status, train_seconds = Math.Round(trainSeconds, 1),
    train_error = last?.TrainError, test_error = last?.TestError, train_loss = last?.TrainLoss,
    gsc_rate = profile.Fit.Rate, gsc_r2 = profile.Fit.R2, gsc_verdict = profile.Fit.Verdict,
    effective_depth_spec = trick.EffectiveDepth, effective_depth_truncation = trick.Truncation.EffectiveDepth,
    cancellation = trick.Truncation.Cancellation,
    lambda_profile = trick.Profile.Weights.Select(w => Math.Round(w, 4)),
    truncation_error = trick.Truncation.RelativeError.Select(e => Math.Round(e, 4)),
    drift = change.Select(c => Math.Round(c.Drift, 3)), angle = change.Select(c => Math.Round(c.WeightAngleDegrees, 1)),
    jr_over_ji = change.Select(c => Math.Round(c.ResidualJacobianRatio, 3)),
    taylor,
};
Console.WriteLine(JsonSerializer.Serialize(record, JsonDefaults.Compact));
