using System.Numerics;
using GradScope.Layers;
using GradScope.Tensors;

namespace GradScope.Networks;

/// <summary>
/// Turns an <see cref="ArchitectureSpec"/> into blocks and registers their parameters with
/// PyTorch-style names: <c>blocks.{b}.linear</c>, <c>blocks.{b}.norm</c> for plain blocks,
/// <c>blocks.{u}.branch.{j}.linear</c> / <c>.norm</c> inside residual units, and <c>output</c>.
/// </summary>
internal static class NetworkBuilder
{
    public static Network<T> Build<T>(ArchitectureSpec spec) where T : unmanaged, IFloatingPointIeee754<T>
    {
        spec.Validate();
        var layout = new ParameterLayout();
        var blocks = new List<Block<T>>();

        if (!spec.IsResidual)
        {
            for (int b = 0; b < spec.LinearLayers; b++)
            {
                int inDim = b == 0 ? spec.InputDim : spec.Width;
                blocks.Add(new PlainBlock<T>($"blocks.{b}", Stage<T>($"blocks.{b}", inDim, spec, layout)));
            }
        }
        else
        {
            blocks.Add(new PlainBlock<T>("blocks.0", Stage<T>("blocks.0", spec.InputDim, spec, layout)));
            int remaining = spec.LinearLayers - 1;
            for (int u = 1; remaining > 0; u++)
            {
                int layers = Math.Min(spec.UnitSize, remaining);
                remaining -= layers;
                var branch = new List<Layer<T>>();
                for (int j = 0; j < layers; j++) branch.AddRange(Stage<T>($"blocks.{u}.branch.{j}", spec.Width, spec, layout));
                blocks.Add(new ResidualUnit<T>($"blocks.{u}", branch, spec.EffectiveResidualWeight));
            }
        }

        var output = new Linear<T>("output", spec.Width, spec.Classes, layout);
        return new Network<T>(spec, layout, blocks, output);
    }

    /// <summary>linear → [norm] → act.</summary>
    private static List<Layer<T>> Stage<T>(string prefix, int inDim, ArchitectureSpec spec, ParameterLayout layout)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layers = new List<Layer<T>> { new Linear<T>($"{prefix}.linear", inDim, spec.Width, layout) };
        if (spec.Normalization == NormKind.Batch) layers.Add(new BatchNorm<T>($"{prefix}.norm", spec.Width, layout));
        if (spec.Normalization == NormKind.Layer) layers.Add(new LayerNorm<T>($"{prefix}.norm", spec.Width, layout));
        layers.Add(ActivationFactory.Create<T>(spec.Activation, $"{prefix}.act", spec.Width));
        return layers;
    }
}
