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

    /// <inheritdoc cref="FirstNonFinite(ReadOnlySpan{float})"/>
    public static int FirstNonFinite(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>The C-order flat index <paramref name="flat"/> as "[i, j, …]" in a tensor of shape <paramref name="dims"/>.</summary>
    public static string Index(long flat, IReadOnlyList<long> dims)
    {
        if (dims.Count == 0) return "[]";
        var index = new long[dims.Count];
        for (int d = dims.Count - 1; d >= 0; d--)
        {
            long size = Math.Max(1, dims[d]);
            index[d] = flat % size;
            flat /= size;
        }
        return "[" + string.Join(", ", index) + "]";
    }

    /// <summary>The index of the first negative element (a variance below zero), or -1.</summary>
    public static int FirstNegative(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (values[i] < 0) return i;
        return -1;
    }
}
