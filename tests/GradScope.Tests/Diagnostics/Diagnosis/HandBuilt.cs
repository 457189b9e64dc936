using GradScope.Diagnostics.Diagnosis;
using GradScope.Networks;

namespace GradScope.Tests.Diagnostics.Diagnosis;

/// <summary>Hand-built measurements: a profile that is exactly c·r^n (or given growth and R²) and chosen collapse numbers.</summary>
internal static class HandBuilt
{
    public static Measurements Profile(double rate, double r2 = 1, int depth = 50, ArchitectureSpec? spec = null)
    {
        var layers = Enumerable.Range(1, depth).ToList();
        return new Measurements
        {
            Spec = spec,
            LinearDepth = depth,
            Blocks = depth,
            BatchSize = 128,
            GscProfile = layers.Select(n => 0.3 * Math.Pow(rate, n)).ToList(),
            GscStandardError = layers.Select(_ => 0.0).ToList(),
            LinearLayers = layers,
            Rate = rate,
            R2 = r2,
            Growth = Math.Pow(rate, depth),
            Nonlinearities = layers.Select(n => new NonlinearityMeasurement(n, "relu", 1, 0.45, 0.27)).ToList(),
        };
    }

    /// <summary>The rate whose growth over <paramref name="depth"/> layers is <paramref name="growth"/>.</summary>
    public static double RateFor(double growth, int depth) => Math.Pow(growth, 1.0 / depth);

    /// <summary>Healthy profile with <paramref name="pseudo"/> of the <paramref name="count"/> layers pseudo-linear (tanh, output side
    /// first).</summary>
    public static Measurements Tanh(int count, int pseudo, double pseudoValue = 1e-4)
    {
        var m = Profile(1.0, 0.1, count);
        return m with
        {
            Nonlinearities = Enumerable.Range(1, count)
                .Select(k => new NonlinearityMeasurement(k, "tanh", k <= pseudo ? 0.05 : 0.9, 0.47, k <= pseudo ? pseudoValue : 0.06))
                .ToList(),
        };
    }

    public static Measurements Relus(int count, int dead, double deadValue = 0.0)
    {
        var m = Profile(1.0, 0.1, count);
        return m with
        {
            Nonlinearities = Enumerable.Range(1, count)
                .Select(k => new NonlinearityMeasurement(k, "relu", 1, k <= dead ? deadValue : 0.45, 0.27))
                .ToList(),
        };
    }

    public static Measurements ResNet(double[] ks, double branchGsc = 1.3, double residualWeight = 1)
    {
        var m = Profile(1.0, 0.1, 2 * ks.Length + 1);
        return m with
        {
            Blocks = ks.Length + 1,
            Dilution = ks.Select((k, i) => new UnitDilution(i + 1, residualWeight, k, branchGsc, Math.Sqrt(1
                + (branchGsc * branchGsc - 1) / (k * k + 1))))
                .ToList(),
        };
    }
}
