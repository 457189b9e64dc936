using GradScope.Tensors;

namespace GradScope.Data;

/// <summary>The contents of an idx3 image file: one row of <see cref="Height"/>·<see cref="Width"/> pixels in [0, 1] per image.</summary>
public sealed record IdxImages(Matrix<float> Pixels, int Height, int Width)
{
    public int Count => Pixels.Rows;
}
