using GradScope.Layers;
using GradScope.Networks;
using MathNet.Numerics.Integration;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>What mean-field theory predicts for the GSC profile of a network at initialisation.</summary>
/// <param name="Rate">Predicted per-linear-layer rate r, read off the predicted profile by the same fit as the measurement.</param>
/// <param name="FixedPointRate">√χ at the fixed point q* of the variance map: the rate deep inside an infinitely deep net.</param>
/// <param name="FixedPointVariance">q*, the pre-activation variance at the fixed point (NaN where not applicable).</param>
/// <param name="LogProfile">Predicted log GSC(k, 0) − log GSC(1, 0), k = 1 … L (null when only a rate is known).</param>
/// <param name="Model">Which theory: "vanilla mean field", "layer-norm mean field", "batch-norm ReLU (Yang et al. 2019)",
/// "looks-linear".</param>
public sealed record MeanFieldPrediction(double Rate, double FixedPointRate, double FixedPointVariance,
    IReadOnlyList<double>? LogProfile, string Model);

/// <summary>
/// Mean-field theory of the gradient scale at initialisation (Poole et al. 2016, Schoenholz et al. 2017; Yang et al.
/// 2019 for batch norm). For a plain layer h' = φ(W h) with weight variance σ_w²/fan_in, the pre-activation variance
/// follows q' = σ_w² E_{z~N(0,q)}[φ(z)²] and a random direction's squared norm is scaled by χ(q) = σ_w² E[φ'(z)²].
/// GSC also holds the ratio of activation norms ‖f_k‖/‖f_l‖, so one layer's log-GSC is
/// ½[log χ(q_i) + log m_{i−1} − log m_i] with m = E[φ²] the mean-square activation; at a fixed point the norm ratio
/// is 1 and the rate is √χ(q*). Gaussian expectations are computed by Gauss–Legendre quadrature on each side of 0
/// (ReLU and SeLU have a kink there).
/// </summary>
public static class MeanFieldTheory
{
    /// <summary>Yang et al. (2019): batch-norm ReLU nets' gradients grow by π/(π−1) in squared norm per layer (large batch).</summary>
    public static readonly double BatchNormReluRate = Math.Sqrt(Math.PI / (Math.PI - 1));

    private const double SeluLambda = 1.0507009873554805, SeluAlpha = 1.6732632423543772;
    private const int QuadratureOrder = 128;
    /// <summary>Standard deviations covered by the quadrature; the Gaussian tail beyond 12σ is below 1e-32.</summary>
    private const double Span = 12;

    /// <summary>E_{z~N(0,q)}[f(z)]; 0 variance gives f(0).</summary>
    public static double GaussianExpectation(Func<double, double> f, double q)
    {
        if (!(q > 0)) return f(0);
        double s = Math.Sqrt(q);
        double Density(double z) => f(z) * Math.Exp(-0.5 * z * z / q) / (s * Math.Sqrt(2 * Math.PI));
        return GaussLegendreRule.Integrate(Density, -Span * s, 0, QuadratureOrder)
             + GaussLegendreRule.Integrate(Density, 0, Span * s, QuadratureOrder);
    }

    public static double Activation(ActivationKind kind, double z) => kind switch
    {
        ActivationKind.Relu => Math.Max(z, 0),
        ActivationKind.Tanh => Math.Tanh(z),
        ActivationKind.Selu => z > 0 ? SeluLambda * z : SeluLambda * SeluAlpha * (Math.Exp(z) - 1),
        ActivationKind.Linear => z,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static double Derivative(ActivationKind kind, double z) => kind switch
    {
        ActivationKind.Relu => z > 0 ? 1 : 0,
        ActivationKind.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z),
        ActivationKind.Selu => z > 0 ? SeluLambda : SeluLambda * SeluAlpha * Math.Exp(z),
        ActivationKind.Linear => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>m(q) = E[φ(z)²], z ~ N(0, q).</summary>
    public static double MeanSquare(ActivationKind kind, double q) => GaussianExpectation(z => Square(Activation(kind, z)), q);

    /// <summary>χ(q) = σ_w² E[φ'(z)²], z ~ N(0, q).</summary>
    public static double Chi(ActivationKind kind, double gain, double q) => gain * GaussianExpectation(z => Square(Derivative(kind, z)), q);

    /// <summary>
    /// The fixed point q* that iterating q ↦ σ_w² m(q) reaches from <paramref name="q0"/>. Iteration alone converges far too
    /// slowly where the map is marginal (tanh with gain 1 approaches 0 like 1/(2l)), so the fixed point is located as the
    /// first sign change of V(q) − q on a logarithmic grid from q0 in the direction the map moves, refined by bisection in
    /// log q. No sign change down to 1e-12 means q* = 0; none up to 1e12, q* = ∞ (the variance explodes). Where
    /// V(q) = q to rounding (ReLU with gain 2, linear with gain 1) every q is a fixed point and q0 is returned.
    /// </summary>
    public static double FixedPoint(ActivationKind kind, double gain, double q0)
    {
        double Excess(double q) => gain * MeanSquare(kind, q) - q;
        double e0 = Excess(q0);
        if (Math.Abs(e0) <= 1e-12 * q0) return q0;
        double direction = Math.Sign(e0);
        const double Step = 1.25;
        double previous = q0;
        for (int i = 0; i < 400; i++)
        {
            double q = direction > 0 ? previous * Step : previous / Step;
            if (q < 1e-12) return 0;
            if (q > 1e12) return double.PositiveInfinity;
            if (Math.Sign(Excess(q)) != direction)
            {
                double lo = Math.Log(Math.Min(q, previous)), hi = Math.Log(Math.Max(q, previous));
                double signLo = Math.Sign(Excess(Math.Exp(lo)));
                for (int j = 0; j < 80 && hi - lo > 1e-14; j++)
                {
                    double mid = 0.5 * (lo + hi);
                    if (Math.Sign(Excess(Math.Exp(mid))) == signLo) lo = mid; else hi = mid;
                }
                return Math.Exp(0.5 * (lo + hi));
            }
            previous = q;
        }
        return direction > 0 ? double.PositiveInfinity : 0;
    }

    /// <summary>
    /// The prediction for <paramref name="spec"/> at initialisation, given the mean square of the input features
    /// (1 for noise and standardised data); null where no theory applies (ResNets, batch norm other than ReLU).
    /// </summary>
    public static MeanFieldPrediction? Predict(ArchitectureSpec spec, double inputMeanSquare)
    {
        if (spec.IsResidual) return null;
        if (spec.Init == InitKind.LooksLinear && spec.Normalization == NormKind.None)
            return new MeanFieldPrediction(1, 1, double.NaN, Enumerable.Repeat(0.0, spec.LinearLayers).ToList(),
                "looks-linear: exactly linear");
        var act = spec.Activation;
        double gain = spec.HiddenGain;
        switch (spec.Normalization)
        {
            case NormKind.Batch:
                return act == ActivationKind.Relu
                    ? new MeanFieldPrediction(BatchNormReluRate, BatchNormReluRate, 1, null, "batch-norm ReLU, Yang et al. 2019")
                    : null;
            case NormKind.Layer:
            {
                // Layer norm resets the pre-activation variance to 1 and its Jacobian (I − 11ᵀ/n − yyᵀ/n)/σ removes two of
                // n directions; σ² = σ_w² m cancels σ_w² and the input's mean square, leaving E[φ'²]/E[φ²] per layer.
                double n = spec.Width;
                double rate = Math.Sqrt((n - 2) / n * GaussianExpectation(z => Square(Derivative(act, z)), 1) / MeanSquare(act, 1));
                var profile = Enumerable.Range(0, spec.LinearLayers).Select(k => k * Math.Log(rate)).ToList();
                return new MeanFieldPrediction(rate, rate, 1, profile, "layer-norm mean field");
            }
            default:
                return Vanilla(act, gain, spec.LinearLayers, inputMeanSquare);
        }
    }

    /// <summary>Iterates the variance map through <paramref name="depth"/> layers and sums the per-layer log-GSC.</summary>
    public static MeanFieldPrediction Vanilla(ActivationKind act, double gain, int depth, double inputMeanSquare)
    {
        // Block i = 1 … depth from the input; q[i] its pre-activation variance, m[i] its output's mean square (m[0] = input).
        var m = new double[depth + 1];
        var logStep = new double[depth + 1];
        m[0] = inputMeanSquare;
        for (int i = 1; i <= depth; i++)
        {
            double q = gain * m[i - 1];
            m[i] = MeanSquare(act, q);
            logStep[i] = 0.5 * (Math.Log(Chi(act, gain, q)) + Math.Log(m[i - 1]) - Math.Log(m[i]));
        }
        // Position k is block i = depth − k + 1; GSC(k,0)/GSC(1,0) multiplies the steps of the blocks at positions 1 … k−1.
        var profile = new double[depth];
        for (int k = 2; k <= depth; k++) profile[k - 1] = profile[k - 2] + logStep[depth - (k - 1) + 1];
        var xs = Enumerable.Range(1, depth).Select(k => (double)k).ToList();
        double rate = depth >= 2 ? Math.Exp(DiagMath.LinearFit(xs, profile).Slope) : double.NaN;
        double qStar = FixedPoint(act, gain, gain * inputMeanSquare);
        double fixedRate = double.IsFinite(qStar) ? Math.Sqrt(Chi(act, gain, qStar)) : double.NaN;
        return new MeanFieldPrediction(rate, fixedRate, qStar, profile, "vanilla mean field");
    }

    private static double Square(double x) => x * x;
}
