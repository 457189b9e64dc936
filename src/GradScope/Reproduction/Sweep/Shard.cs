using System.Text;

namespace GradScope.Reproduction;

/// <summary>
/// The i-th of N slices of a sweep (1-based). A cell belongs to the slice given by a stable 64-bit
/// FNV-1a hash of its id, so every machine computes the same assignment, and adding cells to a preset
/// does not move the others between shards.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static readonly Shard All = new(1, 1);

    public bool Contains(string cellId) => Count <= 1 || (int)(StableHash(cellId) % (ulong)Count) == Index - 1;

    public static ulong StableHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    /// <summary>Parses <c>i/N</c> with 1 ≤ i ≤ N.</summary>
    public static Shard Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return All;
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int i) || !int.TryParse(parts[1], out int n) || n < 1 || i < 1 || i > n)
            throw new ArgumentException($"--shard must be i/N with 1 ≤ i ≤ N, e.g. 2/4 (got '{text}').");
        return new Shard(i, n);
    }

    public override string ToString() => $"{Index}/{Count}";
}
