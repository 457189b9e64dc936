using System.Globalization;
using MathNet.Numerics;

namespace GradScope.Onnx;

/// <summary>
/// A function ℝ → ℝ assembled from ONNX element-wise nodes (a fused run such as GELU's erf decomposition
/// x·0.5·(1 + erf(x/√2)), or a single LeakyRelu). Evaluated with its derivative in double by forward-mode dual numbers,
/// so every composition of the primitives below needs no calculus of its own (the micrograd idea).
/// </summary>
public abstract class ScalarFunction
{
    /// <summary>(f(z), f′(z)).</summary>
    public abstract (double Value, double Derivative) Evaluate(double z);

    public abstract string Describe();

    public override string ToString() => Describe();

    public static ScalarFunction Input { get; } = new InputNode();

    public static ScalarFunction Constant(double value) => new ConstantNode(value);

    public static ScalarFunction Unary(UnaryOp op, ScalarFunction argument, double p = 0, double q = 0) => new UnaryNode(op, argument, p,
        q);

    public static ScalarFunction Binary(BinaryOp op, ScalarFunction left, ScalarFunction right) => new BinaryNode(op, left, right);

    /// <summary>True when the function is exactly its input (Identity, Dropout, x·1).</summary>
    public bool IsIdentity => this is InputNode;

    /// <summary>The unary primitive applied directly to the input, if the whole function is one.</summary>
    public (UnaryOp Op, double P, double Q)? AsSingleUnary() =>
        this is UnaryNode { Argument: InputNode } u ? (u.Op, u.P, u.Q) : null;

    /// <summary>f = c · g (or g · c, or g / c) with a constant c: returns (g, c); used to read a residual branch weight.</summary>
    public (ScalarFunction Remainder, double Scale)? AsScaled() => this switch
    {
        BinaryNode { Op: BinaryOp.Mul, Left: ConstantNode c, Right: var g } => (g, c.Value),
        BinaryNode { Op: BinaryOp.Mul, Left: var g, Right: ConstantNode c } => (g, c.Value),
        BinaryNode { Op: BinaryOp.Div, Left: var g, Right: ConstantNode c } when c.Value != 0 => (g, 1 / c.Value),
        _ => null,
    };

    private sealed class InputNode : ScalarFunction
    {
        public override (double, double) Evaluate(double z) => (z, 1);
        public override string Describe() => "x";
    }

    private sealed class ConstantNode(double value) : ScalarFunction
    {
        public double Value { get; } = value;
        public override (double, double) Evaluate(double z) => (Value, 0);
        public override string Describe() => Value.ToString("G6", CultureInfo.InvariantCulture);
    }

    private sealed class UnaryNode(UnaryOp op, ScalarFunction argument, double p, double q) : ScalarFunction
    {
        public UnaryOp Op { get; } = op;
        public ScalarFunction Argument { get; } = argument;
        public double P { get; } = p;
        public double Q { get; } = q;

        public override (double, double) Evaluate(double z)
        {
            var (a, da) = Argument.Evaluate(z);
            var (v, d) = Primitive(Op, a, P, Q);
            return (v, d * da);
        }

        public override string Describe()
        {
            string name = Op switch
            {
                UnaryOp.LeakyRelu => $"leaky_relu[{Format(P)}]",
                UnaryOp.Elu or UnaryOp.Celu => $"{Op.ToString().ToLowerInvariant()}[{Format(P)}]",
                UnaryOp.Selu => $"selu[{Format(P)}, {Format(Q)}]",
                UnaryOp.Clip => $"clip[{Format(P)}, {Format(Q)}]",
                UnaryOp.HardSigmoid => $"hard_sigmoid[{Format(P)}, {Format(Q)}]",
                UnaryOp.GeluTanh => "gelu_tanh",
                UnaryOp.HardSwish => "hard_swish",
                _ => Op.ToString().ToLowerInvariant(),
            };
            return $"{name}({Argument.Describe()})";
        }
    }

    private sealed class BinaryNode(BinaryOp op, ScalarFunction left, ScalarFunction right) : ScalarFunction
    {
        public BinaryOp Op { get; } = op;
        public ScalarFunction Left { get; } = left;
        public ScalarFunction Right { get; } = right;

        public override (double, double) Evaluate(double z)
        {
            var (a, da) = Left.Evaluate(z);
            var (b, db) = Right.Evaluate(z);
            return Op switch
            {
                BinaryOp.Add => (a + b, da + db),
                BinaryOp.Sub => (a - b, da - db),
                BinaryOp.Mul => (a * b, a * db + b * da),
                BinaryOp.Div => (a / b, (da * b - a * db) / (b * b)),
                _ => Power(a, da, b, db),
            };
        }

        private static (double, double) Power(double a, double da, double b, double db)
        {
            double v = Math.Pow(a, b);
            double d = b * Math.Pow(a, b - 1) * da;
            if (db != 0) d += v * Math.Log(a) * db;
            return (v, d);
        }

        public override string Describe()
        {
            string symbol = Op switch { BinaryOp.Add => "+", BinaryOp.Sub => "−", BinaryOp.Mul => "·", BinaryOp.Div => "/", _ => "^" };
            return $"({Left.Describe()} {symbol} {Right.Describe()})";
        }
    }

    /// <summary>Value and derivative of one primitive at a.</summary>
    private static (double Value, double Derivative) Primitive(UnaryOp op, double a, double p, double q)
    {
        switch (op)
        {
            case UnaryOp.Relu: return a > 0 ? (a, 1) : (0, 0);
            case UnaryOp.LeakyRelu: return a > 0 ? (a, 1) : (p * a, p);
            case UnaryOp.Elu: return a > 0 ? (a, 1) : (p * (Math.Exp(a) - 1), p * Math.Exp(a));
            case UnaryOp.Selu: return a > 0 ? (q * a, q) : (q * p * (Math.Exp(a) - 1), q * p * Math.Exp(a));
            case UnaryOp.Celu: return a > 0 ? (a, 1) : (p * (Math.Exp(a / p) - 1), Math.Exp(a / p));
            case UnaryOp.Tanh: { double t = Math.Tanh(a); return (t, 1 - t * t); }
            case UnaryOp.Sigmoid: { double s = Sigmoid(a); return (s, s * (1 - s)); }
            case UnaryOp.Softplus: return (a > 0 ? a + Math.Log(1 + Math.Exp(-a)) : Math.Log(1 + Math.Exp(a)), Sigmoid(a));
            case UnaryOp.Softsign: { double d = 1 + Math.Abs(a); return (a / d, 1 / (d * d)); }
            case UnaryOp.Erf: return (SpecialFunctions.Erf(a), 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a));
            case UnaryOp.Exp: { double e = Math.Exp(a); return (e, e); }
            case UnaryOp.Log: return (Math.Log(a), 1 / a);
            case UnaryOp.Sqrt: { double s = Math.Sqrt(a); return (s, 0.5 / s); }
            case UnaryOp.Neg: return (-a, -1);
            case UnaryOp.Abs: return (Math.Abs(a), a > 0 ? 1 : a < 0 ? -1 : 0);
            case UnaryOp.Reciprocal: return (1 / a, -1 / (a * a));
            case UnaryOp.Gelu:
            {
                double cdf = 0.5 * (1 + SpecialFunctions.Erf(a / Math.Sqrt(2)));
                return (a * cdf, cdf + a * Math.Exp(-0.5 * a * a) / Math.Sqrt(2 * Math.PI));
            }
            case UnaryOp.GeluTanh:
            {
                const double k = 0.7978845608028654, c = 0.044715; // √(2/π)
                double inner = k * (a + c * a * a * a), t = Math.Tanh(inner);
                return (0.5 * a * (1 + t), 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * k * (1 + 3 * c * a * a));
            }
            case UnaryOp.Clip: return a < p ? (p, 0) : a > q ? (q, 0) : (a, 1);
            case UnaryOp.HardSigmoid:
            {
                double v = p * a + q;
                return v <= 0 ? (0, 0) : v >= 1 ? (1, 0) : (v, p);
            }
            case UnaryOp.HardSwish:
            {
                double v = a / 6 + 0.5;
                return v <= 0 ? (0, 0) : v >= 1 ? (a, 1) : (a * v, v + a / 6);
            }
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    private static double Sigmoid(double a) => a >= 0 ? 1 / (1 + Math.Exp(-a)) : Math.Exp(a) / (1 + Math.Exp(a));

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A readable name: the primitive's own for a single op, a recognised composite (GELU, SiLU), else the formula.</summary>
    public string FriendlyName()
    {
        if (AsSingleUnary() is { } single) return Describe().Replace("(x)", "", StringComparison.Ordinal);
        foreach (var (name, reference) in KnownComposites)
            if (Matches(reference)) return $"{name} (decomposed)";
        return Describe();
    }

    private static readonly (string, Func<double, double>)[] KnownComposites =
    [
        ("gelu", z => Primitive(UnaryOp.Gelu, z, 0, 0).Value),
        ("gelu_tanh", z => Primitive(UnaryOp.GeluTanh, z, 0, 0).Value),
        ("silu", z => z * Sigmoid(z)),
    ];

    private bool Matches(Func<double, double> reference)
    {
        for (double z = -4; z <= 4; z += 0.37)
        {
            double v = Evaluate(z).Value, r = reference(z);
            if (!(Math.Abs(v - r) <= 1e-6 * (1 + Math.Abs(r)))) return false;
        }
        return true;
    }
}

/// <summary>Element-wise primitives (p, q: the op's attributes, e.g. the LeakyRelu slope or the Clip bounds).</summary>
public enum UnaryOp
{
    Relu, LeakyRelu, Elu, Selu, Celu, Tanh, Sigmoid, Softplus, Softsign, Erf, Exp, Log, Sqrt, Neg, Abs, Reciprocal,
    Gelu, GeluTanh, Clip, HardSigmoid, HardSwish,
}

public enum BinaryOp { Add, Sub, Mul, Div, Pow }
