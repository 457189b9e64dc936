namespace GradScope.Data;

/// <summary>How a flat input row unfolds into an image: channel-major (C × H × W), as the files store it.</summary>
public sealed record ImageShape(int Channels, int Height, int Width)
{
    public int Pixels => Channels * Height * Width;

    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
