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
        long budget = ParameterBudget.Count(spec);
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
            var alt = spec with
            {
                LinearLayers = row.Depth,
                Width = row.Width,
            };
            int step = row.Architecture.EndsWith("-ll", StringComparison.Ordinal) ? 2 : 1;
            var altSpec = ArchitectureSpec.Create(row.Architecture, DataShape.FashionMnist) with
            {
                LinearLayers = row.Depth, Width = row.Width + step, InputDim = spec.InputDim, Classes = spec.Classes,
                    ResidualWeight = row.ResidualWeight,
            };
            long stepCost = ParameterBudget.Count(altSpec) - row.Parameters;
            Assert.True(Math.Abs(row.Parameters - budget) <= stepCost,
                $"{row.Label}: {row.Parameters} parameters vs budget {budget}, one width step costs {stepCost}");
            Assert.Equal(alt.InputDim, spec.InputDim);
        }
    }

    [Fact]
    public void Width_for_a_budget_is_the_nearest_realisable_one()
    {
        var spec = ArchitectureSpec.Create("relu", DataShape.FashionMnist) with { LinearLayers = 10, Width = 50, InputDim = 20,
            Classes = 5 };
        long budget = ParameterBudget.Count(spec);
        Assert.Equal(50, ParameterBudget.WidthFor(spec, budget));
        var ll = spec with { Init = InitKind.LooksLinear };
        int w = ParameterBudget.WidthFor(ll, budget);
        Assert.Equal(0, w % 2);
        foreach (int other in new[] { w - 2, w + 2 })
        {
            long chosen = Math.Abs(ParameterBudget.Count(ll with { Width = w }) - budget);
            Assert.True(chosen <= Math.Abs(ParameterBudget.Count(ll with { Width = other }) - budget));
        }
    }
}
