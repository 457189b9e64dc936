namespace GradScope.IO;

/// <summary>A tensor read from a file: its shape and its elements in row-major (C) order.</summary>
public sealed record TensorData<T>(int[] Shape, T[] Data);
