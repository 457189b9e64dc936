namespace GradScope.Reproduction;

/// <summary>Where the best learning rate of a search sits in its grid; a best rate at an edge may not be the optimum.</summary>
public enum GridPosition
{
    /// <summary>Strictly inside the grid: both neighbours were tried and were worse.</summary>
    Interior,
    LowestEdge,
    HighestEdge,
    /// <summary>A one-point grid: nothing was searched.</summary>
    SinglePoint,
}
