using System.Buffers.Binary;
using System.IO.Compression;

namespace GradScope.Tests.Reporting;

/// <summary>
/// Just enough PNG decoding (8-bit RGB/RGBA, non-interlaced — what Chromium writes) to judge a
/// screenshot by its pixels: a blank or error page is nearly one colour, a rendered report is not.
/// File size alone is a weak signal because a large blank PNG compresses to almost nothing anyway.
/// </summary>
internal sealed class PngProbe
{
    private PngProbe(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Three bytes per pixel, row-major.</summary>
    public byte[] Rgb { get; }

    public static PngProbe Decode(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(signature))
            throw new InvalidDataException("Not a PNG file.");

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 8 <= file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            var data = file.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                byte bitDepth = data[8], colorType = data[9], interlace = data[12];
                if (bitDepth != 8 || interlace != 0 || colorType is not (2 or 6))
                    throw new NotSupportedException($"PNG probe supports 8-bit RGB/RGBA only (got depth {bitDepth}, type {colorType}).");
                channels = colorType == 6 ? 4 : 3;
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }

            pos += 12 + length;
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        return new PngProbe(width, height, Unfilter(raw.ToArray(), width, height, channels));
    }

    /// <summary>Fraction of pixels that differ clearly from the most common colour (the page background).</summary>
    public double ForegroundFraction()
    {
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < Rgb.Length; i += 3)
        {
            int key = (Rgb[i] << 16) | (Rgb[i + 1] << 8) | Rgb[i + 2];
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        int background = counts.MaxBy(kv => kv.Value).Key;
        int br = background >> 16, bg = (background >> 8) & 0xFF, bb = background & 0xFF;
        long different = 0;
        for (int i = 0; i < Rgb.Length; i += 3)
            if (Math.Abs(Rgb[i] - br) + Math.Abs(Rgb[i + 1] - bg) + Math.Abs(Rgb[i + 2] - bb) > 48)
                different++;
        return different / (double)(Width * Height);
    }

    public int DistinctColours() =>
        Enumerable.Range(0, Width * Height).Select(p => (Rgb[3 * p] << 16) | (Rgb[3 * p + 1] << 8) | Rgb[3 * p + 2]).Distinct().Count();

    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        int stride = width * channels;
        var current = new byte[stride];
        var previous = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int rowStart = y * (stride + 1);
            byte filter = raw[rowStart];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? current[x - channels] : 0;
                int b = previous[x];
                int c = x >= channels ? previous[x - channels] : 0;
                int value = raw[rowStart + 1 + x];
                current[x] = (byte)(filter switch
                {
                    0 => value,
                    1 => value + a,
                    2 => value + b,
                    3 => value + ((a + b) >> 1),
                    4 => value + Paeth(a, b, c),
                    _ => throw new InvalidDataException($"Bad PNG filter {filter}."),
                });
            }

            for (int x = 0; x < width; x++)
                Array.Copy(current, x * channels, rgb, (y * width + x) * 3, 3);
            (previous, current) = (current, previous);
        }

        return rgb;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
