using System.Numerics;

namespace GradScope.Networks;

/// <summary>Per-slice partial statistics of the batch-norm row path: counts, double mean and M2 (forward), Σdy and
/// Σdy⊙x̂ (backward), and the combined mean / sums the caller forms between two pool calls.</summary>
internal sealed class BatchNormPartials<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int[] Counts = [];
    public double[][] Means = [], M2s = [];
    public T[][] SumG = [], SumGH = [];
    public T[] Mean = [], TotalG = [], TotalGH = [];

    public void Ensure(int batch, int slices, int dim)
    {
        if (Counts.Length != slices || Mean.Length < dim)
        {
            Counts = new int[slices];
            Means = new double[slices][]; M2s = new double[slices][];
            SumG = new T[slices][]; SumGH = new T[slices][];
            for (int s = 0; s < slices; s++)
            {
                Means[s] = new double[dim]; M2s[s] = new double[dim];
                SumG[s] = new T[dim]; SumGH[s] = new T[dim];
            }
            Mean = new T[dim]; TotalG = new T[dim]; TotalGH = new T[dim];
        }
        for (int s = 0; s < slices; s++) Counts[s] = RowParallel<T>.SliceRows(batch, slices, s).Rows;
    }
}
