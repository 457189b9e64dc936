namespace GradScope.Data;

/// <summary>The training split (standardisation is fitted on it) and the held-out test split.</summary>
public sealed record DatasetSplits(Dataset Train, Dataset Test);
