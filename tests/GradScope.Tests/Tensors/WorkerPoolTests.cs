using GradScope.Tensors;

namespace GradScope.Tests.Tensors;

public class WorkerPoolTests
{
    private readonly unsafe struct Square(int* results) : IWorkItem
    {
        public void Invoke(int index) => results[index] = index * index;
    }

    private readonly unsafe struct Nested(int* results, int inner) : IWorkItem
    {
        public void Invoke(int index) => WorkerPool.Shared.For(inner, new Square(results + index * inner));
    }

    private readonly struct Throws : IWorkItem
    {
        public void Invoke(int index)
        {
            if (index == 3) throw new InvalidOperationException("boom");
        }
    }

    [Fact]
    public unsafe void For_RunsEveryIndexOnce()
    {
        foreach (int count in new[] { 0, 1, 2, 3, 17, 1000 })
        {
            var results = new int[Math.Max(1, count)];
            results.AsSpan().Fill(-1);
            fixed (int* r = results)
                for (int rep = 0; rep < 50; rep++) WorkerPool.Shared.For(count, new Square(r));
            for (int i = 0; i < count; i++) Assert.Equal(i * i, results[i]);
        }
    }

    [Fact]
    public unsafe void For_ReentrantAndFromManyThreads()
    {
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            var results = new int[8 * 16];
            fixed (int* r = results)
                for (int rep = 0; rep < 200; rep++) WorkerPool.Shared.For(8, new Nested(r, 16));
            for (int i = 0; i < 16; i++) Assert.Equal(i * i, results[7 * 16 + i]);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
    }

    [Fact]
    public void For_RethrowsWorkItemException()
    {
        Assert.Throws<InvalidOperationException>(() => WorkerPool.Shared.For(8, new Throws()));
        WorkerPool.Shared.For(8, default(NoOp)); // pool still usable
    }

    private readonly struct NoOp : IWorkItem
    {
        public void Invoke(int index) { }
    }
}
