using GradScope.Data;
using GradScope.Diagnostics;
using GradScope.Diagnostics.Diagnosis;
using GradScope.Networks;

namespace GradScope.Tests.Diagnostics.Diagnosis;

public class WhatIfTests
{
    [Fact]
    public void Batch_relu_alternatives_are_measured_at_the_same_budget()
    {
        var spec = ArchitectureSpec.Create("batch-relu", DataShape.FashionMnist) with { LinearLayers = 20, Width = 32, InputDim = 32,
            Classes = 10 };
        var noise = GaussianNoise.Create(64, 32, 3, 10);
        var theta = Initializer.Initialize(Network<float>.Build(spec), 3);
        var options = new DiagnosticsOptions { Seed = 3, ResidualTrick = false };
        var result = DiagnosisRunner.Run("batch-relu", spec, theta, null, noise.Inputs, noise.Labels, options, whatIf: true);

        Assert.Equal(FindingKind.ExplodingGradients, result.Findings[0].Kind);
        var rows = result.WhatIf!;
        var original = rows[0];
        Assert.True(original.IsOriginal);
        long budget = spec.TrainableParameters;
        Assert.Equal(budget, original.Parameters);

        var looksLinear = rows.Single(r => r.Architecture == "relu-ll");
        Assert.Equal(1.0, looksLinear.Rate, 1e-6);
        Assert.Equal(1.0, looksLinear.PredictedRate!.Value, 12);

        var residual = rows.Single(r => r.Architecture == "resnet-batch-relu");
        Assert.True(residual.Rate < original.Rate, $"residual rate {residual.Rate} vs original {original.Rate}");
        Assert.True(residual.MeanDilution >= DilutionTarget.For(1, 1) * WhatIf.DilutionTolerance,
            $"residual alternative diluted only k = {residual.MeanDilution}");

        var shallow = rows.Single(r => r.Architecture == "batch-relu" && !r.IsOriginal);
        Assert.True(shallow.Depth < spec.LinearLayers && shallow.Width > spec.Width);

        foreach (var row in rows.Skip(1))
        {
            // Within the budget, and the next even width would not be.
            var wider = ArchitectureSpec.Create(row.Architecture, spec.Shape,
                new NetworkSizes { LinearLayers = row.Depth, Width = row.Width + 2, ResidualWeight = row.ResidualWeight });
            Assert.True(row.Parameters <= budget && wider.TrainableParameters > budget,
                $"{row.Label}: {row.Parameters} parameters at width {row.Width}, {wider.TrainableParameters} at width " +
                $"{wider.Width}, budget {budget}");
        }
    }

    [Fact]
    public void An_alternative_too_large_to_build_is_listed_with_the_reason_not_measured()
    {
        // Looks-linear needs a width of at least twice the classes: 200,000 units for 100,000 classes, a 4·10¹⁰-value matrix.
        var spec = ArchitectureSpec.Create("relu", new DataShape(12, 100_000), new NetworkSizes { LinearLayers = 2, Width = 3 });
        var noise = GaussianNoise.Create(4, 12, 3, 100_000);
        var theta = Initializer.Initialize(Network<float>.Build(spec), 3);
        var options = new DiagnosticsOptions { Seed = 3, ResidualTrick = false };
        var result = DiagnosisRunner.Run("relu", spec, theta, null, noise.Inputs, noise.Labels, options, whatIf: true);

        var looksLinear = result.WhatIf!.Single(r => r.Architecture == "relu-ll");
        Assert.Equal(200_000, looksLinear.Width);
        Assert.Contains("would need", looksLinear.NotMeasured);
        Assert.True(double.IsNaN(looksLinear.Rate));
        Assert.All(result.WhatIf!.Where(r => r != looksLinear), r => Assert.Null(r.NotMeasured));
        Assert.Contains("looks-linear init: not measured.", DiagnosisText.Render(result, table: false));
    }
}
