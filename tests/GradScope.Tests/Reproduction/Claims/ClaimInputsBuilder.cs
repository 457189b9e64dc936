using GradScope.Networks;
using GradScope.Training;
using GradScope.Reproduction;

namespace GradScope.Tests.Reproduction.Claims;

/// <summary>Hand-built claim inputs: a few lines per network, so each test states exactly the numbers its verdict rests on.</summary>
internal static class ClaimInputsBuilder
{
    public static ArchitectureSpec Arch(string name) => ArchitectureSpec.Create(name, DataShape.FashionMnist);

    /// <summary>A 50-layer fit; R² 0.99 unless given.</summary>
    public static GradientFit Fit(string name, double rate, double r2 = 0.99) => new(Arch(name), rate, r2, 50);

    public static SeedSpread Seeds(params double[] values) => SeedSpread.Of(values.Select(v => (double?)v))!;

    public static TrainedNet Net(string name, OptimizerKind optimizer, double rateInit, double rateEnd, double[] effectiveDepth,
        double trainError = 0.2)
    {
        var a = Arch(name);
        int blocks = a.IsResidual ? 26 : 50;
        return new TrainedNet(a, optimizer, new GradientFit(a, rateInit, 0.99, 50), new GradientFit(a, rateEnd, 0.99, 50),
            Seeds(effectiveDepth), blocks, Seeds(trainError, trainError));
    }
}
