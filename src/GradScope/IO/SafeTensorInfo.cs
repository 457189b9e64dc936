namespace GradScope.IO;

/// <summary>One header entry: element type, shape and byte range [Begin, End) within the data section.</summary>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End)
{
    public long Count => NamedTensor.ElementCount(Shape);
}
