using System.Numerics;
using System.Runtime.CompilerServices;

namespace GradScope.Tensors;

/// <summary>
/// A register-tile micro-kernel: computes one MR×NR tile of C from a K-slice of A and B.
/// <para>
/// Operand access is by strides so that most panels are read in place, without packing:
/// A(i, p) = <c>a[i·aRow + p·aCol]</c> (row-major A: aRow = lda, aCol = 1; transposed A: aRow = 1, aCol = lda;
/// a packed edge panel: aRow = 1, aCol = MR), and B(p, j) = <c>b[p·bRow + j]</c> for j &lt; NR
/// (row-major B: bRow = ldb; packed panel: bRow = NR).
/// </para>
/// The kernel always computes the full MR×NR tile; when only mr×nr of it lies inside C it writes through
/// <see cref="GemmEdge.Store{T}"/>.
/// </summary>
internal unsafe interface IMicroKernel<T> where T : unmanaged
{
    static abstract int MR { get; }
    static abstract int NR { get; }

    /// <summary>C[0..mr, 0..nr] = α·Σₚ A(i,p)·B(p,j) + β·C (β = 0: C is overwritten, never read).</summary>
    static abstract void Run(int kc, T* a, nint aRow, nint aCol, T* b, nint bRow,
        T* c, nint ldc, T alpha, T beta, int mr, int nr);
}

/// <summary>The write-back of a partial (edge) tile: the kernel spills its accumulators to a small
/// scratch tile and only the valid mr×nr corner reaches C.</summary>
internal static unsafe class GemmEdge
{
    public static void Store<T>(T* tile, int tileStride, T* c, nint ldc, int mr, int nr, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < mr; i++)
        {
            T* ci = c + i * ldc;
            T* ti = tile + i * tileStride;
            if (beta == T.Zero)
                for (int j = 0; j < nr; j++) ci[j] = alpha * ti[j];
            else
                for (int j = 0; j < nr; j++) ci[j] = alpha * ti[j] + beta * ci[j];
        }
    }
}

/// <summary>Per-thread packing buffers, pinned and 64-byte aligned, grown on demand (never per call).</summary>
internal static unsafe class GemmScratch<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? t_buffer;
    [ThreadStatic] private static nint t_aligned;

    public static T* Get(int length)
    {
        T[]? buf = t_buffer;
        int pad = 64 / sizeof(T);
        if (buf is null || buf.Length < length + pad)
        {
            buf = t_buffer = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
            nint p = (nint)Unsafe.AsPointer(ref buf[0]);
            t_aligned = (p + 63) & ~(nint)63;
        }
        return (T*)t_aligned;
    }
}

/// <summary>
/// The cache-blocked GEMM driver, generic over the element type and the micro-kernel (a struct, so the JIT
/// compiles one specialised copy per kernel with MR/NR as constants).
/// <para>
/// Loop nest (BLIS-like, without packing A): column blocks of <see cref="NcMax"/> → K blocks of at most
/// <see cref="KcMax"/> (B block kc×nc ≈ 256 KiB stays in L2) → row tiles of MR (the A micro-panel, MR×kc,
/// stays in L1 while it sweeps the B block) → column panels of NR → micro-kernel.
/// </para>
/// <para>
/// Edges — the one mechanism: any micro-panel with fewer than MR rows of op(A) or NR columns of op(B) is
/// copied into a zero-padded scratch panel, and any partial C tile is written through <see cref="GemmEdge"/>.
/// Full panels are read in place except B in the NT case (op(B) = Wᵀ is not contiguous along j), which is
/// packed into NR-wide panels per K block.
/// </para>
/// <para>
/// Parallelism: the product is cut into tasks (column ranges when there are enough column panels, else row
/// ranges) that run on <see cref="WorkerPool.Shared"/>; each task packs what it needs into its own thread's
/// buffers, so tasks never wait for each other.
/// </para>
/// </summary>
internal static unsafe class GemmBlocked<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IMicroKernel<T>
{
    /// <summary>Largest K block: 256 floats (1 KiB) per A row keeps the MR×kc A micro-panel in L1.</summary>
    private static int KcMax => 1024 / sizeof(T);

    /// <summary>Largest column block: kc×nc×sizeof(T) ≤ 256 KiB, half of a Zen 3 L2.</summary>
    private static int NcMax => 256 * 4 / sizeof(T) / TKernel.NR * TKernel.NR;

    /// <summary>Products below this many flops (2·m·n·k) run single-threaded. Measured on the 2-core EPYC:
    /// a parallel handoff to a spinning worker costs ~1–3 µs and each row task re-packs B, so below ~1 MFLOP
    /// (≈ 15 µs of single-core work) splitting stops paying off (see bench "quick" mode).</summary>
    internal static long ParallelThresholdFlops = 1_000_000;

    private readonly struct Problem : IWorkItem
    {
        public readonly Op OpA, OpB;
        public readonly int M, N, K;
        public readonly T Alpha, Beta;
        public readonly T* A, B;
        public readonly T* C;
        public readonly int Lda, Ldb, Ldc;
        public readonly int ColTasks, RowsPerTask, ColsPerTask;

        public Problem(Op opA, Op opB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc,
            int colTasks, int rowsPerTask, int colsPerTask)
        {
            OpA = opA; OpB = opB; M = m; N = n; K = k; Alpha = alpha; Beta = beta;
            A = a; B = b; C = c; Lda = lda; Ldb = ldb; Ldc = ldc;
            ColTasks = colTasks; RowsPerTask = rowsPerTask; ColsPerTask = colsPerTask;
        }

        public void Invoke(int task)
        {
            int rt = task / ColTasks, ct = task % ColTasks;
            int i0 = rt * RowsPerTask, j0 = ct * ColsPerTask;
            RunBlock(in this, i0, Math.Min(M, i0 + RowsPerTask), j0, Math.Min(N, j0 + ColsPerTask));
        }
    }

    public static void Multiply(Op opA, Op opB, int m, int n, int k,
        T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, bool allowParallel = true)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int rowTiles = (m + mr - 1) / mr, colPanels = (n + nr - 1) / nr;
        int rowTasks = 1, colTasks = 1;
        var pool = WorkerPool.Shared;
        if (allowParallel && 2.0 * m * n * k >= ParallelThresholdFlops && pool.CanRunParallel)
        {
            int p = pool.Concurrency;
            // Column tasks need no duplicated packing; use them when each thread gets ≥ 2 panels to
            // balance. Two tasks per thread let a thread that starts late (CPU shared) take fewer.
            if (colPanels >= 4 * p) colTasks = Math.Min(colPanels, 2 * p);
            else rowTasks = Math.Min(rowTiles, p);
        }
        int rowsPerTask = (rowTiles + rowTasks - 1) / rowTasks * mr;
        int colsPerTask = (colPanels + colTasks - 1) / colTasks * nr;
        rowTasks = (m + rowsPerTask - 1) / rowsPerTask;
        colTasks = (n + colsPerTask - 1) / colsPerTask;
        var problem = new Problem(opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, colTasks, rowsPerTask, colsPerTask);
        if (rowTasks * colTasks == 1) RunBlock(in problem, 0, m, 0, n);
        else pool.For(rowTasks * colTasks, problem);
    }

    /// <summary>C[i0..i1, j0..j1] of the problem; i0 and j0 are multiples of MR and NR.</summary>
    private static void RunBlock(in Problem g, int i0, int i1, int j0, int j1)
    {
        int MR = TKernel.MR, NR = TKernel.NR;
        int kBlocks = (g.K + KcMax - 1) / KcMax;
        int kcStep = (g.K + kBlocks - 1) / kBlocks; // equal K blocks: 784 → 4 × 196, not 3 × 256 + 16
        int ncMax = NcMax;
        T* scratch = GemmScratch<T>.Get(MR * kcStep + (ncMax + NR) * kcStep);
        T* packA = scratch;
        T* packB = scratch + MR * kcStep;
        bool bInPlace = g.OpB == Op.None;
        nint lda = g.Lda, ldb = g.Ldb, ldc = g.Ldc;

        for (int jc = j0; jc < j1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, j1 - jc);
            int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < g.K; pc += kcStep)
            {
                int kc = Math.Min(kcStep, g.K - pc);
                T beta = pc == 0 ? g.Beta : T.One;

                // B block: pack what cannot be read in place (all of it for op(B) = Bᵀ, else the edge panel).
                for (int q = bInPlace ? panels - 1 : 0; q < panels; q++)
                {
                    int jq = jc + q * NR, nr = Math.Min(NR, jc + nc - jq);
                    if (!bInPlace) PackBTransposed(packB + q * kc * NR, g.B, ldb, pc, kc, jq, nr);
                    else if (nr < NR) PackB(packB + q * kc * NR, g.B, ldb, pc, kc, jq, nr);
                }

                for (int ir = i0; ir < i1; ir += MR)
                {
                    int mr = Math.Min(MR, i1 - ir);
                    T* ap;
                    nint aRow, aCol;
                    if (mr < MR) { PackA(packA, g.OpA, g.A, lda, ir, mr, pc, kc); ap = packA; aRow = 1; aCol = MR; }
                    else if (g.OpA == Op.None) { ap = g.A + ir * lda + pc; aRow = lda; aCol = 1; }
                    else { ap = g.A + pc * lda + ir; aRow = 1; aCol = lda; }

                    T* cRow = g.C + ir * ldc;
                    for (int q = 0; q < panels; q++)
                    {
                        int jq = jc + q * NR, nr = Math.Min(NR, jc + nc - jq);
                        T* bp;
                        nint bRow;
                        if (bInPlace && nr == NR) { bp = g.B + pc * ldb + jq; bRow = ldb; }
                        else { bp = packB + q * kc * NR; bRow = NR; }
                        TKernel.Run(kc, ap, aRow, aCol, bp, bRow, cRow + jq, ldc, g.Alpha, beta, mr, nr);
                    }
                }
            }
        }
    }

    /// <summary>Edge rows of op(A): dst[p·MR + i] = op(A)(ir+i, pc+p), zero for i ≥ mr.</summary>
    private static void PackA(T* dst, Op opA, T* a, nint lda, int ir, int mr, int pc, int kc)
    {
        int MR = TKernel.MR;
        new Span<T>(dst, MR * kc).Clear();
        for (int i = 0; i < mr; i++)
            for (int p = 0; p < kc; p++)
                dst[p * MR + i] = opA == Op.None ? a[(ir + i) * lda + pc + p] : a[(pc + p) * lda + ir + i];
    }

    /// <summary>Edge panel of a row-major op(B) = B: dst[p·NR + j] = B(pc+p, jq+j), zero for j ≥ nr.</summary>
    private static void PackB(T* dst, T* b, nint ldb, int pc, int kc, int jq, int nr)
    {
        int NR = TKernel.NR;
        for (int p = 0; p < kc; p++)
        {
            T* src = b + (pc + p) * ldb + jq;
            T* d = dst + p * NR;
            int j = 0;
            for (; j < nr; j++) d[j] = src[j];
            for (; j < NR; j++) d[j] = T.Zero;
        }
    }

    /// <summary>Panel of op(B) = Bᵀ (B stored n×k): dst[p·NR + j] = B[jq+j, pc+p], zero for j ≥ nr.
    /// Reads each stored row contiguously and scatters it down one column of the panel.</summary>
    private static void PackBTransposed(T* dst, T* b, nint ldb, int pc, int kc, int jq, int nr)
    {
        int NR = TKernel.NR;
        if (nr < NR) new Span<T>(dst, NR * kc).Clear();
        for (int j = 0; j < nr; j++)
        {
            T* src = b + (jq + j) * ldb + pc;
            T* d = dst + j;
            for (int p = 0; p < kc; p++) d[p * NR] = src[p];
        }
    }
}
