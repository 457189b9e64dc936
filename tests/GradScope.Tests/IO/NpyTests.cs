using System.Buffers.Binary;
using System.Text;
using GradScope.IO;
using GradScope.Tensors;
using GradScope.Tests.Data;

namespace GradScope.Tests.IO;

public class NpyTests
{
    /// <summary>A .npy file by hand: any version, any header text, raw data.</summary>
    private static byte[] Build(string header, byte[] data, int major = 1)
    {
        byte[] text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header + "\n");
        int lengthBytes = major == 1 ? 2 : 4;
        var bytes = new byte[8 + lengthBytes + text.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 }.CopyTo(bytes, 0);
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        text.CopyTo(bytes, 8 + lengthBytes);
        data.CopyTo(bytes, 8 + lengthBytes + text.Length);
        return bytes;
    }

    private static string ErrorOf(byte[] bytes)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.npy");
        File.WriteAllBytes(path, bytes);
        return Assert.Throws<CheckpointFormatException>(() => Npy.Read(path)).Message;
    }

    [Fact]
    public void Float_matrix_round_trips_with_numpy_header_layout()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.npy");
        var m = Matrix<float>.FromRows([[1f, -2.5f, 3f], [float.Epsilon, 0f, 1e30f]]);

        Npy.WriteMatrix(path, m);
        var back = Npy.ReadMatrix(path);

        Assert.Equal(2, back.Rows);
        Assert.Equal(3, back.Cols);
        Assert.Equal(m.Span.ToArray(), back.Span.ToArray());

        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = Encoding.Latin1.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
    }

    [Fact]
    public void Int64_labels_round_trip()
    {
        using var dir = new TempDirectory();
        string path = dir.File("y.npy");
        Npy.WriteInt64(path, [3, 0, 9, 2]);
        var array = Npy.Read(path);
        Assert.Equal("<i8", array.DType);
        Assert.Equal(new[] { 4 }, array.Shape);
        Assert.Equal(new[] { 3, 0, 9, 2 }, array.ToInt32Array());
        Assert.Contains("'shape': (4,)", Encoding.Latin1.GetString(File.ReadAllBytes(path)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Versions_2_and_3_headers_are_read(int major)
    {
        var data = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 1.5);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), -2.0);
        var array = Npy.Parse(Build("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", data, major));
        Assert.Equal(new[] { 1.5f, -2f }, array.ToMatrix().Span.ToArray());
    }

    [Fact]
    public void Integer_dtypes_convert_to_ints_and_floats()
    {
        var i4 = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(i4, 7);
        BinaryPrimitives.WriteInt32LittleEndian(i4.AsSpan(4), -1);
        Assert.Equal(new[] { 7, -1 }, Npy.Parse(Build("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", i4)).ToInt32Array());

        var u1 = Npy.Parse(Build("{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (2, 2)}", [0, 255, 1, 2]));
        Assert.Equal(new[] { 0, 255, 1, 2 }, u1.ToFloatArray().Select(x => (int)x));
        Assert.Equal(255f, u1.ToMatrix()[0, 1]);
    }

    [Fact]
    public void Float_array_refused_as_labels_and_1d_refused_as_matrix()
    {
        var f4 = Npy.Parse(Build("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]), "f.npy");
        Assert.Equal("f.npy: dtype <f4 is not an integer type; expected <i8, <i4 or |u1",
            Assert.Throws<CheckpointFormatException>(() => f4.ToInt32Array()).Message);
        Assert.Contains("expected 2-D", Assert.Throws<CheckpointFormatException>(() => f4.ToMatrix()).Message);
    }

    [Fact]
    public void Int64_too_large_for_int_is_refused()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(data, 1L << 40);
        var array = Npy.Parse(Build("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", data));
        Assert.Throws<CheckpointFormatException>(() => array.ToInt32Array());
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, "fortran_order True is not supported")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", 16, "big-endian dtype '>f4' is not supported")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }", 32, "unsupported dtype '<c8'")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8, "structured dtypes")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2), }", 32, "3 dimensions")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4, "0 dimensions")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 12,
        "truncated: shape (2, 2) of <f4 needs 16 bytes of data but only 12 remain")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 20, "4 bytes after the array data")]
    [InlineData("{'descr': '<f4', 'shape': (2, 2), }", 16, "must have 'descr', 'fortran_order' and 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 16, "expected a non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2), }", 16, "expected True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}", 16, "unexpected header key 'extra'")]
    [InlineData("{'descr': '<f4", 16, "unterminated string")]
    // Fuzz regression (CsCheck seed eeg_H2xWTlR1): a key holding a newline is quoted escaped, so the error stays one line.
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), '\nan\0': 1}", 4, "unexpected header key '\\nan\\x00'")]
    public void Bad_files_are_reported(string header, int dataBytes, string expected)
    {
        string message = ErrorOf(Build(header, new byte[dataBytes]));
        Assert.StartsWith("bad.npy: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Wrong_magic_version_and_header_length_are_reported()
    {
        Assert.Contains("missing the \\x93NUMPY magic", ErrorOf(Encoding.ASCII.GetBytes("PK\u0003\u0004 not numpy")));
        var v9 = Build("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        v9[6] = 9;
        Assert.Contains("unsupported .npy version 9.0", ErrorOf(v9));
        var longHeader = Build("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        BinaryPrimitives.WriteUInt16LittleEndian(longHeader.AsSpan(8), 60000);
        Assert.Contains("header length 60000 exceeds", ErrorOf(longHeader));
    }
}
