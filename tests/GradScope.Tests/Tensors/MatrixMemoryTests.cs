using GradScope.IO;
using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

/// <summary>Small matrices own their arrays; mid-sized ones are carved from the thread's slab, zeroed, aligned to a cache line
/// and disjoint; large ones start on a 2 MiB boundary. A carved matrix reads and writes only its own region.</summary>
public class MatrixMemoryTests
{
    private const int MidLength = 25_600; // 256 × 100 doubles: 200 KB, carved

    [Fact]
    public void Small_matrices_own_their_arrays()
    {
        var (array, offset) = MatrixMemory.Allocate<double>(100);
        Assert.Equal(0, offset);
        Assert.Equal(100, array.Length);
    }

    [Fact]
    public void Mid_sized_matrices_are_carved_zeroed_aligned_and_disjoint()
    {
        var regions = Enumerable.Range(0, 120).Select(_ => MatrixMemory.Allocate<double>(MidLength)).ToList(); // > one slab
        Assert.Contains(regions, r => ReferenceEquals(r.Array, regions[0].Array) && r.Offset != regions[0].Offset);
        foreach (var (array, offset) in regions)
        {
            Assert.True(array.Length - offset >= MidLength);
            Assert.Equal(0UL, (ulong)MatrixMemory.AddressOf(array, offset) % 64);
            Assert.All(array.AsSpan(offset, MidLength).ToArray(), v => Assert.Equal(0.0, v));
            array.AsSpan(offset, MidLength).Fill(1.0); // a later region still reads zero above: no overlap
        }
        var byArray = regions.GroupBy(r => r.Array);
        foreach (var group in byArray)
        {
            var offsets = group.Select(r => r.Offset).Order().ToList();
            for (int i = 1; i < offsets.Count; i++) Assert.True(offsets[i] - offsets[i - 1] >= MidLength);
        }
    }

    [Fact]
    public void Large_matrices_start_on_a_huge_page_boundary_when_advised()
    {
        var (array, offset) = MatrixMemory.Allocate<float>(MatrixMemory.SlabBytes / sizeof(float));
        Assert.True(array.Length - offset >= MatrixMemory.SlabBytes / sizeof(float));
        if (HugePages.EnabledFor(Environment.GetEnvironmentVariable("GRADSCOPE_HUGE_PAGES")))
            Assert.Equal(0UL, (ulong)MatrixMemory.AddressOf(array, offset) % HugePages.PageBytes);
        else Assert.Equal(0, offset);
    }

    [Fact]
    public void A_carved_matrix_reads_and_writes_its_own_elements()
    {
        var before = new Matrix<double>(256, 100);
        var m = new Matrix<double>(256, 100);
        var after = new Matrix<double>(256, 100);
        for (int r = 0; r < m.Rows; r++)
            for (int c = 0; c < m.Cols; c++) m[r, c] = r * 1000 + c;
        Assert.Equal(5 * 1000 + 7, m.Row(5)[7]);
        Assert.Equal(3 * 1000 + 2, m.RowBlock(3, 2)[2]);
        Assert.Equal(4 * 1000 + 0, m.RowBlock(3, 2)[100]);
        Assert.Equal(255 * 1000 + 99, m.Span[^1]);
        Assert.All(before.Span.ToArray(), v => Assert.Equal(0.0, v));
        Assert.All(after.Span.ToArray(), v => Assert.Equal(0.0, v));
        Assert.Equal(m.Span.ToArray(), m.Clone().Span.ToArray());
        var copy = new Matrix<double>(0, 0);
        copy.CopyFrom(m);
        Assert.Equal(m.Span.ToArray(), copy.Span.ToArray());
        var tensor = NamedTensor.FromMatrix("m", m);
        Assert.Equal(m.Span.ToArray(), tensor.Bytes.ToArray().Chunk(8).Select(b => BitConverter.ToDouble(b)).ToArray());
    }

    [Fact]
    public void Growing_a_carved_matrix_moves_it_and_keeps_its_neighbours()
    {
        var m = new Matrix<double>(256, 100);
        var neighbour = new Matrix<double>(256, 100);
        neighbour.Span.Fill(2.0);
        m.Resize(512, 100).Span.Fill(3.0);
        Assert.Equal(512 * 100, m.Length);
        Assert.All(neighbour.Span.ToArray(), v => Assert.Equal(2.0, v));
        m.Resize(10, 100); // shrinking keeps the buffer
        Assert.Equal(3.0, m[9, 99]);
    }

    [Fact]
    public void A_rows_view_shares_the_elements_of_its_rows_until_it_grows()
    {
        var m = new Matrix<double>(256, 100);
        for (int r = 0; r < m.Rows; r++)
            for (int c = 0; c < m.Cols; c++) m[r, c] = r * 1000 + c;
        var view = m.RowsView(10, 3);
        Assert.Equal((3, 100), (view.Rows, view.Cols));
        Assert.Equal(10 * 1000 + 4, view[0, 4]);
        Assert.Equal(12 * 1000 + 99, view.Span[^1]);
        view[1, 2] = -1;
        Assert.Equal(-1, m[11, 2]);
        view.Resize(3, 100).Span.Fill(7); // same shape: still the same elements
        Assert.Equal(7, m[12, 99]);
        Assert.Equal(13 * 1000, m[13, 0]); // the row after the view is untouched
        view.Resize(4, 100).Span.Fill(9); // grown past its rows: storage of its own
        Assert.Equal(13 * 1000, m[13, 0]);
        Assert.Equal(7, m[10, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.RowsView(250, 7));
    }
}
