using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace GradScope.Tensors;

/// <summary>One unit of parallel work: <see cref="Invoke"/> is called once for every index of a
/// <see cref="WorkerPool.For{TWork}"/> call, possibly on different threads at the same time.</summary>
public interface IWorkItem
{
    void Invoke(int index);
}

/// <summary>
/// A tiny persistent thread pool for fine-grained data parallelism (tens of microseconds per call),
/// where <c>Task.Run</c>/<c>Parallel.For</c> cost too much. There is one worker thread per extra core; the
/// calling thread works too. A call to <see cref="For{TWork}"/> publishes a job and every participant claims
/// indices one at a time from a shared counter until none are left, so a worker that is late (descheduled by
/// another process) costs nothing: the caller simply does more of the work. No allocation per call.
/// <para>
/// Handoff: an idle worker spins on the job word for <see cref="SpinMicroseconds"/> and then blocks on an
/// event; the caller signals the event only for workers that went to sleep. Back-to-back calls (a training
/// step is a sequence of GEMMs and element-wise passes) therefore cost a cache-line transfer, not a futex.
/// </para>
/// <para>
/// Re-entrancy: a call made from inside a work item, or from a second thread while the pool is busy, runs
/// its indices inline on the calling thread (correct, just not parallel).
/// </para>
/// <para>
/// Every item runs with the caller's <see cref="KernelSettings"/>, wherever it runs, so that a forced tier or a
/// scalar reference path reaches the whole pass.
/// </para>
/// </summary>
public sealed unsafe class WorkerPool
{
    /// <summary>How long an idle worker spins before blocking. Long enough to bridge the gap between the
    /// GEMMs of one training step (element-wise work in between takes ~1–50 µs), short enough not to burn a
    /// core for long when the program is doing something else.</summary>
    private const long SpinMicroseconds = 200;

    // The job word packs generation (24 bits) | count (20 bits) | next index to claim (20 bits), so that a
    // single compare-exchange both claims an index and proves that the job it belongs to is still current.
    private const int IndexBits = 20;
    private const int MaxCount = (1 << IndexBits) - 1;
    private const long IndexMask = MaxCount;
    private const int GenShift = 2 * IndexBits;

    public static WorkerPool Shared { get; } = new(Environment.ProcessorCount - 1);

    [ThreadStatic] private static bool t_inPool; // this thread is a worker, or a caller inside For

    private readonly Worker[] _workers;
    private long _job;
    private int _done;
    private int _callerLock;
    private delegate*<void*, int, void> _invoke;
    private void* _context;
    private KernelSettings _settings;
    private ExceptionDispatchInfo? _error;

    private sealed class Worker
    {
        public readonly ManualResetEventSlim Wake = new(false, spinCount: 1);
        public int Sleeping;
    }

    public WorkerPool(int workerThreads)
    {
        _workers = new Worker[Math.Max(0, workerThreads)];
        for (int i = 0; i < _workers.Length; i++)
        {
            var w = _workers[i] = new Worker();
            var thread = new Thread(() => WorkerLoop(w)) { IsBackground = true, Name = $"GradScope worker {i + 1}" };
            thread.Start();
        }
    }

    /// <summary>Number of threads that can work on one <see cref="For{TWork}"/> call (workers + caller).</summary>
    public int Concurrency => _workers.Length + 1;

    /// <summary>True when a <see cref="For{TWork}"/> call from this thread would run in parallel.</summary>
    public bool CanRunParallel => _workers.Length > 0 && !t_inPool && Volatile.Read(ref _callerLock) == 0;

    /// <summary>Calls <c>work.Invoke(i)</c> for every i in [0, count), spread over the pool's threads, and
    /// returns when all calls have finished. Treat <paramref name="work"/>'s fields as read-only inputs and
    /// write results through the arrays/pointers it holds (threads may or may not share one copy of it).
    /// The first exception thrown by a work item is rethrown here after all items have run.</summary>
    public void For<TWork>(int count, TWork work) where TWork : struct, IWorkItem
    {
        if (count <= 0) return;
        if (count > MaxCount)
        {
            For((count + MaxCount - 1) / MaxCount, new Chunked<TWork>(work, count, MaxCount));
            return;
        }
        if (count == 1 || _workers.Length == 0 || t_inPool || Interlocked.CompareExchange(ref _callerLock, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) work.Invoke(i);
            return;
        }
        t_inPool = true;
        try
        {
            _invoke = &Invoker<TWork>.Invoke;
            _context = Unsafe.AsPointer(ref work); // a stack copy: stable until every item is done
            _settings = KernelSettings.Current;
            _error = null;
            Volatile.Write(ref _done, 0);
            long gen = ((Volatile.Read(ref _job) >> GenShift) + 1) & 0xFFFFFF;
            Interlocked.Exchange(ref _job, (gen << GenShift) | ((long)count << IndexBits)); // full fence before reading Sleeping
            foreach (var w in _workers)
                if (Volatile.Read(ref w.Sleeping) != 0) w.Wake.Set();

            RunItems(gen);

            // Items still running are held by workers that are actively executing them: wait for them.
            var spinner = new SpinWait();
            while (Volatile.Read(ref _done) != count) spinner.SpinOnce(sleep1Threshold: -1);
            _error?.Throw();
        }
        finally
        {
            _invoke = null;
            _context = null;
            t_inPool = false;
            Volatile.Write(ref _callerLock, 0);
        }
    }

    /// <summary>Claims and runs indices of job <paramref name="gen"/> until none are left.</summary>
    private void RunItems(long gen)
    {
        while (true)
        {
            long job = Volatile.Read(ref _job);
            if (job >> GenShift != gen) return;
            long next = job & IndexMask, count = (job >> IndexBits) & IndexMask;
            if (next >= count) return;
            if (Interlocked.CompareExchange(ref _job, job + 1, job) != job) continue;
            // We hold an unfinished index of this job, so the caller is still waiting and _invoke/_context/_settings
            // are its (on the caller's own thread the settings are already these).
            KernelSettings.Current = _settings;
            try { _invoke(_context, (int)next); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null); }
            Interlocked.Increment(ref _done);
        }
    }

    private void WorkerLoop(Worker w)
    {
        t_inPool = true;
        long seen = Volatile.Read(ref _job) >> GenShift;
        long spinTicks = SpinMicroseconds * Stopwatch.Frequency / 1_000_000;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            long gen;
            int spins = 0;
            while ((gen = Volatile.Read(ref _job) >> GenShift) == seen)
            {
                if ((++spins & 63) != 0) { Thread.SpinWait(8); continue; }
                if (Stopwatch.GetTimestamp() - start < spinTicks) continue;
                // Sleep. The Dekker pair (Sleeping=1, then re-read the job | job published, then read Sleeping)
                // guarantees that either we see the new job or the caller sees us asleep and sets the event.
                w.Wake.Reset();
                Interlocked.Exchange(ref w.Sleeping, 1);
                if (Volatile.Read(ref _job) >> GenShift == seen) w.Wake.Wait();
                Volatile.Write(ref w.Sleeping, 0);
                start = Stopwatch.GetTimestamp();
            }
            seen = gen;
            RunItems(gen);
        }
    }

    private static class Invoker<TWork> where TWork : struct, IWorkItem
    {
        public static void Invoke(void* context, int index) => Unsafe.AsRef<TWork>(context).Invoke(index);
    }

    /// <summary>Runs more than <see cref="MaxCount"/> indices as chunks of consecutive indices.</summary>
    private readonly struct Chunked<TWork>(TWork inner, int total, int chunk) : IWorkItem where TWork : struct, IWorkItem
    {
        public void Invoke(int index)
        {
            TWork work = inner;
            int end = Math.Min(total, (index + 1) * chunk);
            for (int i = index * chunk; i < end; i++) work.Invoke(i);
        }
    }
}
