using System.Globalization;

namespace GradScope.Diagnostics.Diagnosis;

/// <summary>Number and position-list formatting shared by the findings, so all evidence reads alike.</summary>
public static class EvidenceFormat
{
    /// <summary>Three significant digits, scientific notation outside [1e-3, 1e5).</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        double a = Math.Abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-3)) return v.ToString("0.00e+0", CultureInfo.InvariantCulture);
        return v.ToString(a >= 100 ? "0" : a >= 10 ? "0.0" : "0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>Sorted positions as compact ranges: 1–5, 8, 10–12.</summary>
    public static string Positions(IEnumerable<int> positions)
    {
        var sorted = positions.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture)
                : j == i + 1 ? $"{sorted[i]}, {sorted[j]}" : $"{sorted[i]}–{sorted[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
