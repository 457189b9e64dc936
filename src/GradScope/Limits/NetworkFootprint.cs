using GradScope.Networks;

namespace GradScope.Limits;

/// <summary>
/// Memory a zoo network needs, counted in 64 bits from its spec before anything is built, so
/// <c>init --width 100000</c> or <c>analyze --classes 100000000</c> fail with the amount instead of overflowing an
/// int or being killed by the kernel.
/// </summary>
public static class NetworkFootprint
{
    /// <summary>
    /// An upper bound on the parameters of the network (weights, biases, norm gains and running statistics): the
    /// input map, depth − 1 width × width layers and the output layer, plus at most five per-unit vectors per layer
    /// (bias, gain, shift, running mean and variance).
    /// Unlike <see cref="ArchitectureSpec.TrainableParameters"/> (the exact count) it saturates instead of wrapping,
    /// because it is asked about absurd sizes precisely to refuse them.
    /// </summary>
    public static long ParameterCount(ArchitectureSpec spec)
    {
        long d = spec.InputDim, w = spec.Width, c = spec.Classes, depth = spec.LinearLayers;
        return MemoryBudget.Sum(
            MemoryBudget.Product(d, w),
            MemoryBudget.Product(depth - 1, w, w),
            MemoryBudget.Product(w, c),
            MemoryBudget.Product(depth, w, 5),
            c);
    }

    /// <summary>
    /// Bytes for <paramref name="parameterCopies"/> float copies of the parameters (θ, θ⁰, gradients, optimizer
    /// slots, …) and one forward tape of <paramref name="batch"/> examples (a few activations per unit and layer).
    /// </summary>
    public static long Bytes(ArchitectureSpec spec, int parameterCopies, long batch)
    {
        long parameters = MemoryBudget.Product(ParameterCount(spec), parameterCopies, sizeof(float));
        long units = MemoryBudget.Sum(spec.InputDim, MemoryBudget.Product(spec.LinearLayers, spec.Width, 4),
            MemoryBudget.Product(spec.Classes, 3));
        long tape = MemoryBudget.Product(batch, units, sizeof(float));
        return MemoryBudget.Sum(parameters, tape);
    }

    /// <summary>Values in the network's largest weight matrix (input map, hidden or output layer).</summary>
    public static long LargestTensor(ArchitectureSpec spec)
    {
        long d = spec.InputDim, w = spec.Width, c = spec.Classes;
        return Math.Max(MemoryBudget.Product(d, w), Math.Max(MemoryBudget.Product(w, w), MemoryBudget.Product(w, c)));
    }

    /// <summary>Throws <see cref="ResourceLimitException"/> when the network would not fit in memory, or when one of its
    /// weight matrices would not fit in one array (<see cref="Array.MaxLength"/> values) whatever the memory.</summary>
    public static void Require(ArchitectureSpec spec, int parameterCopies, long batch) =>
        Require(spec, parameterCopies, batch, MemoryBudget.AvailableBytes);

    /// <summary>The check with the available memory passed in, so tests need not depend on the machine.</summary>
    internal static void Require(ArchitectureSpec spec, int parameterCopies, long batch, long availableBytes)
    {
        string what = $"{spec.Name} depth {spec.LinearLayers} width {spec.Width} with {spec.InputDim} inputs and {spec.Classes} classes " +
                      $"({ParameterCount(spec):N0} parameters, batch {batch:N0})";
        MemoryBudget.Require(Bytes(spec, parameterCopies, batch), what, availableBytes);
        long largest = LargestTensor(spec);
        if (largest > Array.MaxLength)
            throw new ResourceLimitException($"{what} has a weight matrix of {largest:N0} values; one array holds at most " +
                                             $"{Array.MaxLength:N0}.");
    }
}
