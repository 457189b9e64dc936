using System.Buffers.Binary;
using CsCheck;

namespace GradScope.Tests.Fuzz;

/// <summary>
/// One hostile edit of a valid file, drawn from primitive values so CsCheck can shrink a failure to a small case:
/// truncation, byte flips, an overwritten length or count field, a NaN/Inf written into the data, appended bytes.
/// </summary>
internal sealed record Mutation(Mutation.Kind What, int Position, long Value)
{
    public enum Kind { Truncate, FlipByte, WriteUInt64, WriteUInt32BigEndian, WriteUInt16, WriteNonFinite, Append, Random }

    public static readonly Gen<Mutation> Any =
        Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 1 << 20], Gen.Frequency(
                (3, Gen.Long[-1, 64]), (2, Gen.Long), (1, Gen.OneOf(long.MaxValue, int.MaxValue, (long)int.MaxValue + 1, 1L << 32))),
            (kind, position, value) => new Mutation(kind, position, value));

    /// <summary>Applies the edit to a copy of <paramref name="bytes"/>; positions wrap into the file.</summary>
    public byte[] Apply(byte[] bytes)
    {
        if (bytes.Length == 0) return bytes;
        int at = Position % bytes.Length;
        var result = (byte[])bytes.Clone();
        switch (What)
        {
            case Kind.Truncate: return result[..at];
            case Kind.FlipByte: result[at] ^= (byte)(1 << (int)((ulong)Value % 8)); break;
            case Kind.WriteUInt64 when at + 8 <= result.Length: BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(at), Value); break;
            case Kind.WriteUInt32BigEndian when at + 4 <= result.Length:
                BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(at), (uint)Value);
                break;
            case Kind.WriteUInt16 when at + 2 <= result.Length:
                BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(at), (ushort)Value);
                break;
            case Kind.WriteNonFinite when at + 4 <= result.Length:
                float bad = (Value % 3) switch { 0 => float.NaN, 1 or -1 => float.PositiveInfinity, _ => float.NegativeInfinity };
                BinaryPrimitives.WriteSingleLittleEndian(result.AsSpan(at & ~3), bad);
                break;
            case Kind.Append: return [.. result, .. new byte[(int)((ulong)Value % 64) + 1]];
            case Kind.Random:
                var rng = new Random((int)Value);
                rng.NextBytes(result.AsSpan(at, Math.Min(result.Length - at, 1 + (int)((ulong)Value % 32))));
                break;
        }
        return result;
    }
}
