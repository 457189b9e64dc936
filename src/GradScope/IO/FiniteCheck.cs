namespace GradScope.IO;

/// <summary>Finds the first NaN or ±Inf in values read from a file, so the error can name where it is.</summary>
public static class FiniteCheck
{
    /// <summary>The index of the first non-finite element, or -1 when all are finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>The index of the first negative element (a variance below zero), or -1.</summary>
    public static int FirstNegative(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (values[i] < 0) return i;
        return -1;
    }
}
