using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>Rows per call of <see cref="RunColumnTail"/>.</summary>
    static abstract int TailRows { get; }

    /// <summary>The same product for up to 4 columns of a column tail, vectors down the rows (<see cref="GemmColumnTail{T, TVector}"/>):
    /// A(i, p) = <c>a[p·aStride + i]</c> for i &lt; <see cref="TailRows"/>, B(p, j) = <c>b[p·bRow + j]</c> for j &lt; 4.</summary>
    static abstract void RunColumnTail(int kc, T* a, nint aStride, T* b, nint bRow,
        T* c, nint ldc, T alpha, T beta, int rows, int cols);
}

/// <summary>How deep a product's accumulation runs before C is written: at most one K block of the blocked driver.</summary>
internal static unsafe class GemmDepth
{
    /// <summary>Largest K block: 256 floats (1 KiB) per A row keeps the MR×kc A micro-panel in L1.</summary>
    public static int BlockMax<T>() where T : unmanaged => 1024 / sizeof(T);

    /// <summary>True when a product of depth k sums all of K before it touches C (one K block; the reference sums all of K
    /// anyway): then C = acc + 1·C and C = acc followed by C + b round alike, so a bias can be added after the product
    /// with the bits of a bias placed in C first. A deeper product adds each K block's sum to C in turn.</summary>
    public static bool OneBlock<T>(int k) where T : unmanaged => k <= BlockMax<T>();
}

/// <summary>The write-back of a partial (edge) tile: the kernel spills its accumulators to a small
/// scratch tile and only the valid mr×nr corner reaches C. Same rounding as a full tile's vector update:
/// C = α·acc, or fma(β, C, α·acc).</summary>
internal static unsafe class GemmEdge
{
    /// <summary>Row-major tile: C(i, j) = tile[i·tileStride + j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first step: no first-compiled phase
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
                for (int j = 0; j < nr; j++) ci[j] = T.FusedMultiplyAdd(beta, ci[j], alpha * ti[j]);
        }
    }

    /// <summary>Column-major tile: C(i, j) = tile[j·tileStride + i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first step: no first-compiled phase
    public static void StoreTransposed<T>(T* tile, int tileStride, T* c, nint ldc, int mr, int nr, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < mr; i++)
        {
            T* ci = c + i * ldc;
            if (beta == T.Zero)
                for (int j = 0; j < nr; j++) ci[j] = alpha * tile[j * tileStride + i];
            else
                for (int j = 0; j < nr; j++) ci[j] = T.FusedMultiplyAdd(beta, ci[j], alpha * tile[j * tileStride + i]);
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
/// Loop nest (BLIS-like, but A is read in place): column blocks of <see cref="NcMax"/> → K blocks of at most
/// <see cref="KcMax"/> (B block kc×nc ≈ 256 KiB stays in L2) → row tiles of MR (the A micro-panel, MR×kc,
/// stays in L1 while it sweeps the B block) → column panels of NR → micro-kernel.
/// </para>
/// <para>
/// Edges: operand panels that the kernel cannot read in place are copied into zero-padded scratch panels, so
/// the kernel always computes a full MR×NR tile, and a partial C tile is written back through <see cref="GemmEdge"/>.
/// A last column panel at most half full (n = 100 = 3·32 + 4) is a column tail instead: its few columns are computed
/// by vectors down the rows (<see cref="IMicroKernel{T}.RunColumnTail"/>), not by a whole panel of FMAs.
/// op(B) is packed in NR-wide panels per K block — once for many products (<see cref="Pack"/>, the weights of a
/// training step) or here, cheap as each panel is reused by every row tile — except that a row-major B (the
/// weight gradient's activations) is read in place by full panels unless its row stride is a multiple of 1 KiB
/// (3072 columns ran at half speed in place: the k rows of a panel fell in a few L1 sets); in place measured
/// 3–9 % faster on the weight gradients of 64–250-row slices. op(A) is read in place (row-major: MR row pointers;
/// transposed: MR contiguous values per k) except its last, partial row tile; packing all of A measured slower,
/// since each A element is used only ⌈n/NR⌉ times.
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
    private static int KcMax => GemmDepth.BlockMax<T>();

    /// <summary>Largest column block: kc×nc×sizeof(T) ≤ 256 KiB, half of a Zen 3 L2.</summary>
    private static int NcMax => 256 * 4 / sizeof(T) / TKernel.NR * TKernel.NR;

    /// <summary>Products below this many flops (2·m·n·k) run single-threaded. On the idle 2-core EPYC the pool
    /// gives 1.9× at 128×100×100 (2.6 MFLOP: 33 → 17.6 µs); below ~1 MFLOP (≈ 12 µs of single-core work) the
    /// fixed costs — each row task re-packs B (~1.5 µs for 100×100), the handoff, the partial last tile — eat
    /// most of the gain, and on a loaded machine (`quick threshold` under load) the pool loses outright.</summary>
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
        /// <summary>op(B) already in panels (<see cref="Pack"/>), or null: then each block packs its own.</summary>
        public readonly T* PackedB;

        public Problem(Op opA, Op opB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc,
            int colTasks, int rowsPerTask, int colsPerTask, T* packedB)
        {
            OpA = opA; OpB = opB; M = m; N = n; K = k; Alpha = alpha; Beta = beta;
            A = a; B = b; C = c; Lda = lda; Ldb = ldb; Ldc = ldc;
            ColTasks = colTasks; RowsPerTask = rowsPerTask; ColsPerTask = colsPerTask;
            PackedB = packedB;
        }

        public void Invoke(int task)
        {
            int rt = task / ColTasks, ct = task % ColTasks;
            int i0 = rt * RowsPerTask, j0 = ct * ColsPerTask;
            RunBlock(in this, i0, Math.Min(M, i0 + RowsPerTask), j0, Math.Min(N, j0 + ColsPerTask));
        }
    }

    public static void Multiply(Op opA, Op opB, int m, int n, int k,
        T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, bool allowParallel = true) =>
        Multiply(opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, allowParallel, packedB: null);

    /// <summary>C = α·op(A)·B + β·C with B packed by <see cref="Pack"/>.</summary>
    public static void MultiplyPacked(Op opA, int m, int n, int k, T alpha, T* a, int lda, T* packedB, T beta, T* c, int ldc,
        bool allowParallel) =>
        Multiply(opA, Op.None, m, n, k, alpha, a, lda, null, 0, beta, c, ldc, allowParallel, packedB);

    /// <summary>Elements <see cref="Pack"/> writes for a k × n op(B).</summary>
    public static int PackedLength(int k, int n) => k * ((n + TKernel.NR - 1) / TKernel.NR * TKernel.NR);

    /// <summary>op(B) (k × n) into the panels <see cref="RunBlock"/> would pack, all K blocks one after another.</summary>
    public static void Pack(Op opB, int k, int n, T* b, int ldb, T* dst)
    {
        int NR = TKernel.NR;
        int kcStep = KStep(k);
        int np = (n + NR - 1) / NR * NR;
        for (int pc = 0; pc < k; pc += kcStep)
        {
            int kc = Math.Min(kcStep, k - pc);
            for (int jq = 0; jq < n; jq += NR)
            {
                T* d = dst + (nint)pc * np + (nint)(jq / NR) * kc * NR;
                int nr = Math.Min(NR, n - jq);
                if (opB == Op.Transpose) PackPanelTransposed(d, NR, b, ldb, pc, kc, jq, nr, PanelPadding(NR, nr));
                else PackPanel(d, NR, b, ldb, pc, kc, jq, nr, PanelPadding(NR, nr));
            }
        }
    }

    /// <summary>Equal K blocks of at most <see cref="KcMax"/>: 784 → 4 × 196, not 3 × 256 + 16.</summary>
    private static int KStep(int k)
    {
        int kBlocks = (k + KcMax - 1) / KcMax;
        return (k + kBlocks - 1) / kBlocks;
    }

    private static void Multiply(Op opA, Op opB, int m, int n, int k,
        T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, bool allowParallel, T* packedB)
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
            // Row tasks each pack all of B, so give each at least 8 row tiles; still up to two per thread.
            else rowTasks = Math.Min(rowTiles, Math.Clamp(rowTiles / 8, p, 2 * p));
        }
        int rowsPerTask = (rowTiles + rowTasks - 1) / rowTasks * mr;
        int colsPerTask = (colPanels + colTasks - 1) / colTasks * nr;
        rowTasks = (m + rowsPerTask - 1) / rowsPerTask;
        colTasks = (n + colsPerTask - 1) / colsPerTask;
        var problem = new Problem(opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, colTasks, rowsPerTask, colsPerTask, packedB);
        if (rowTasks * colTasks == 1) RunBlock(in problem, 0, m, 0, n);
        else pool.For(rowTasks * colTasks, problem);
    }

    /// <summary>C[i0..i1, j0..j1] of the problem; i0 and j0 are multiples of MR and NR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock(in Problem g, int i0, int i1, int j0, int j1)
    {
        int MR = TKernel.MR, NR = TKernel.NR, TR = TKernel.TailRows;
        int kcStep = KStep(g.K);
        int ncMax = NcMax;
        nint packedStride = (g.N + NR - 1) / NR * NR;
        int packALength = (MR * kcStep + 15) & ~15, packTLength = (TR * kcStep + 15) & ~15;
        T* scratch = GemmScratch<T>.Get(packALength + packTLength + (ncMax + NR) * kcStep);
        T* packA = scratch;
        T* packT = scratch + packALength;
        T* packB = packT + packTLength;
        nint lda = g.Lda, ldb = g.Ldb, ldc = g.Ldc;
        // A row-major op(B) is read in place by full panels unless its row stride is a multiple of 1 KiB: then the kc rows
        // of a panel fall in a few L1 sets (4 KiB period) and evict each other (3072 columns ran at half speed).
        bool bInPlace = g.PackedB == null && g.OpB == Op.None && ldb * sizeof(T) % 1024 != 0;

        for (int jc = j0; jc < j1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, j1 - jc);
            int panels = (nc + NR - 1) / NR;
            // A last panel at most half full is a column tail, computed by vectors down the rows (see RunColumnTail).
            int rowPanels = 2 * (nc - (panels - 1) * NR) <= NR ? panels - 1 : panels;
            for (int pc = 0; pc < g.K; pc += kcStep)
            {
                int kc = Math.Min(kcStep, g.K - pc);
                T beta = pc == 0 ? g.Beta : T.One;

                // B block: NR-wide panels, packed once for many products beforehand (Pack) or here — except full panels of
                // a B read in place; a partial panel is always packed, zero-padded.
                T* bPanels = packB;
                if (g.PackedB != null) bPanels = g.PackedB + pc * packedStride + (nint)(jc / NR) * kc * NR;
                else
                    for (int q = 0; q < panels; q++)
                    {
                        int jq = jc + q * NR, nr = Math.Min(NR, jc + nc - jq);
                        if (bInPlace && nr == NR) continue;
                        T* panel = packB + q * kc * NR;
                        if (g.OpB == Op.Transpose) PackPanelTransposed(panel, NR, g.B, ldb, pc, kc, jq, nr, PanelPadding(NR, nr));
                        else PackPanel(panel, NR, g.B, ldb, pc, kc, jq, nr, PanelPadding(NR, nr));
                    }

                for (int ir = i0; ir < i1 && rowPanels > 0; ir += MR)
                {
                    int mr = Math.Min(MR, i1 - ir);
                    T* ap;
                    nint aRow, aCol;
                    if (mr < MR) { PackA(packA, g.OpA, g.A, lda, ir, mr, pc, kc); ap = packA; aRow = 1; aCol = MR; }
                    else if (g.OpA == Op.None) { ap = g.A + ir * lda + pc; aRow = lda; aCol = 1; }
                    else { ap = g.A + pc * lda + ir; aRow = 1; aCol = lda; }

                    T* cRow = g.C + ir * ldc;
                    for (int q = 0; q < rowPanels; q++)
                    {
                        int jq = jc + q * NR, nr = Math.Min(NR, jc + nc - jq);
                        if (bInPlace && nr == NR)
                            TKernel.Run(kc, ap, aRow, aCol, g.B + pc * ldb + jq, ldb, cRow + jq, ldc, g.Alpha, beta, mr, nr);
                        else TKernel.Run(kc, ap, aRow, aCol, bPanels + q * kc * NR, NR, cRow + jq, ldc, g.Alpha, beta, mr, nr);
                    }
                }

                if (rowPanels < panels)
                    ColumnTail(in g, packT, i0, i1, jc + rowPanels * NR, jc + nc, pc, kc, bPanels + rowPanels * kc * NR, beta);
            }
        }
    }

    /// <summary>
    /// C[i0..i1, jt..je] (fewer than NR/2 columns) for one K block by <see cref="IMicroKernel{T}.RunColumnTail"/>: per
    /// chunk of TailRows rows, op(A) in column-major order — read in place when A is stored transposed, else packed
    /// (zero-padded past i1) into <paramref name="packT"/> — times the tail's zero-padded B panel, 4 columns a call.
    /// </summary>
    private static void ColumnTail(in Problem g, T* packT, int i0, int i1, int jt, int je, int pc, int kc, T* bTail, T beta)
    {
        int TR = TKernel.TailRows, NR = TKernel.NR;
        nint lda = g.Lda, ldc = g.Ldc;
        for (int ir = i0; ir < i1; ir += TR)
        {
            int rows = Math.Min(TR, i1 - ir);
            T* at;
            nint aStride;
            if (g.OpA == Op.Transpose && rows == TR) { at = g.A + pc * lda + ir; aStride = lda; }
            else
            {
                // op(A)(i, p) is A[i, p] (stored m×k) or A[p, i] (stored k×m): the panel packers of op(B) = Bᵀ and B.
                if (g.OpA == Op.None) PackPanelTransposed(packT, TR, g.A, lda, pc, kc, ir, rows, TR);
                else PackPanel(packT, TR, g.A, lda, pc, kc, ir, rows, TR);
                at = packT;
                aStride = TR;
            }
            for (int j = jt; j < je; j += 4)
                TKernel.RunColumnTail(kc, at, aStride, bTail + (j - jt), NR, g.C + ir * ldc + j, ldc, g.Alpha, beta, rows,
                    Math.Min(4, je - j));
        }
    }

    /// <summary>Rows [ir, ir+mr) of op(A) as a zero-padded micro-panel: dst[p·MR + i] = op(A)(ir+i, pc+p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(T* dst, Op opA, T* a, nint lda, int ir, int mr, int pc, int kc)
    {
        int MR = TKernel.MR;
        if (mr < MR) new Span<T>(dst, MR * kc).Clear();
        if (opA == Op.None)
        {
            for (int i = 0; i < mr; i++)
            {
                T* src = a + (ir + i) * lda + pc;
                for (int p = 0; p < kc; p++) dst[p * MR + i] = src[p];
            }
        }
        else
        {
            for (int p = 0; p < kc; p++)
            {
                T* src = a + (pc + p) * lda + ir;
                T* d = dst + p * MR;
                for (int i = 0; i < mr; i++) d[i] = src[i];
            }
        }
    }

    /// <summary>Panel of a row-major op(B) = B, <paramref name="NR"/> wide (a multiple of the Vector256 length):
    /// dst[p·NR + j] = B(pc+p, jq+j) for j &lt; nr and zero for nr ≤ j &lt; <paramref name="padTo"/> (see
    /// <see cref="PackPanelTransposed"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanel(T* dst, int NR, T* b, nint ldb, int pc, int kc, int jq, int nr, int padTo)
    {
        for (int p = 0; p < kc; p++)
        {
            T* src = b + (pc + p) * ldb + jq;
            T* d = dst + p * NR;
            int j = 0;
            for (; j + Vector256<T>.Count <= nr; j += Vector256<T>.Count) Vector256.Store(Vector256.Load(src + j), d + j);
            if (j == NR) continue;
            // Partial row (a column tail of B, the last rows of A for a column tail). Padded to the whole row: zero the rest
            // with vector stores, then the few values (a scalar fill of 28 of 32 slots per k took ≈ 8 % of a 1-thread
            // batch-1000 step). A column tail's panel needs only its groups of 4.
            if (padTo == NR) for (int z = j; z < NR; z += Vector256<T>.Count) Vector256.Store(Vector256<T>.Zero, d + z);
            else
            {
                if (j + Vector128<T>.Count <= nr) { Vector128.Store(Vector128.Load(src + j), d + j); j += Vector128<T>.Count; }
                for (int z = nr; z < padTo; z++) d[z] = T.Zero;
            }
            for (; j < nr; j++) d[j] = src[j];
        }
    }

    /// <summary>Panel of op(B) = Bᵀ (B stored n×k), <paramref name="NR"/> wide: dst[p·NR + j] = B[jq+j, pc+p] for j &lt; nr
    /// and zero for nr ≤ j &lt; <paramref name="padTo"/> (what the panel's reader loads: <see cref="PanelPadding"/>); the
    /// rest of a partial panel is left as it was. Reads each stored row contiguously: 8×8 (float) or 4×4 blocks through
    /// registers, then 4×4 blocks for the last columns and k values, a scalar scatter only for what is left of those.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanelTransposed(T* dst, int NR, T* b, nint ldb, int pc, int kc, int jq, int nr, int padTo)
    {
        int p8 = 0; // k values below p8 are packed for every column
        if (typeof(T) == typeof(float) && Avx.IsSupported && nr == NR && NR % 8 == 0)
            p8 = GemmPack.TransposeFloat8x8((float*)dst, NR, (float*)b, ldb, pc, kc, jq);
        int kc4 = kc & ~3, groups = nr & ~3;
        bool blocks4 = typeof(T) == typeof(float) ? Sse.IsSupported : typeof(T) == typeof(double) && Avx.IsSupported;
        int p4 = blocks4 ? kc4 : p8; // columns below `groups` are packed for k values below p4
        if (blocks4 && p8 < kc4)
            for (int jj = 0; jj < groups; jj += 4)
            {
                if (typeof(T) == typeof(float)) GemmPack.TransposeFloat4x4((float*)dst + jj, NR, (float*)b, ldb, pc, p8, kc4, jq + jj);
                else GemmPack.TransposeDouble4x4Block((double*)dst + jj, NR, (double*)b, ldb, pc, p8, kc4, jq + jj);
            }
        for (int j = 0; j < nr; j++)
        {
            T* src = b + (jq + j) * ldb + pc;
            T* d = dst + j;
            for (int p = j < groups ? p4 : p8; p < kc; p++) d[p * NR] = src[p];
        }
        if (padTo > nr)
            for (int p = 0; p < kc; p++) new Span<T>(dst + p * NR + nr, padTo - nr).Clear();
    }

    /// <summary>Columns of a B panel with <paramref name="nr"/> valid columns that its reader loads, so that the packers
    /// zero-pad up to it: all NR for the micro-kernel, whole groups of 4 for a column tail (a last panel at most half
    /// full, see <see cref="RunBlock"/>).</summary>
    private static int PanelPadding(int NR, int nr) => 2 * nr > NR ? NR : Math.Min(NR, (nr + 3) & ~3);
}

/// <summary>Element-type-specific packing routines.</summary>
internal static unsafe class GemmPack
{
    /// <summary>
    /// Full NR-wide panel of op(B) = Bᵀ for float: dst[p·NR + j] = B[jq+j, pc+p] for p below the largest multiple of
    /// 8 ≤ kc (returned; the caller packs the rest). Works on 8×8 blocks: 8 row loads, an in-register transpose
    /// (unpack → shuffle → permute across lanes), 8 row stores — about 8× faster than the scalar scatter, which
    /// matters because the forward pass re-packs W on every call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int TransposeFloat8x8(float* dst, int nrPanel, float* b, nint ldb, int pc, int kc, int jq)
    {
        int kc8 = kc & ~7;
        for (int jj = 0; jj < nrPanel; jj += 8)
        {
            float* src = b + (jq + jj) * ldb + pc;
            for (int p = 0; p < kc8; p += 8)
            {
                float* s = src + p;
                Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ldb),
                    r2 = Avx.LoadVector256(s + 2 * ldb), r3 = Avx.LoadVector256(s + 3 * ldb),
                    r4 = Avx.LoadVector256(s + 4 * ldb), r5 = Avx.LoadVector256(s + 5 * ldb),
                    r6 = Avx.LoadVector256(s + 6 * ldb), r7 = Avx.LoadVector256(s + 7 * ldb);
                // Interleave row pairs, then gather 4-row columns within each 128-bit lane...
                Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
                Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
                Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
                Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
                Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
                Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
                Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
                // ...and join the low (columns 0–3) and high (columns 4–7) lanes of rows 0–3 and 4–7.
                float* d = dst + p * nrPanel + jj;
                Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
                Avx.Store(d + nrPanel, Avx.Permute2x128(u1, u5, 0x20));
                Avx.Store(d + 2 * nrPanel, Avx.Permute2x128(u2, u6, 0x20));
                Avx.Store(d + 3 * nrPanel, Avx.Permute2x128(u3, u7, 0x20));
                Avx.Store(d + 4 * nrPanel, Avx.Permute2x128(u0, u4, 0x31));
                Avx.Store(d + 5 * nrPanel, Avx.Permute2x128(u1, u5, 0x31));
                Avx.Store(d + 6 * nrPanel, Avx.Permute2x128(u2, u6, 0x31));
                Avx.Store(d + 7 * nrPanel, Avx.Permute2x128(u3, u7, 0x31));
            }
        }
        return kc8;
    }

    /// <summary>
    /// <see cref="TransposeFloat8x8"/> for double, on 4×4 blocks: four stored rows jq … jq+3 of B into four columns of a
    /// panel whose rows are <paramref name="dstStride"/> apart, dst[p·dstStride + j] = B[jq+j, pc+p] for j &lt; 4 and
    /// p0 ≤ p &lt; p1 (p1 − p0 a multiple of 4). The column tail of a double product packs its op(A) this way, every call:
    /// with the scalar scatter that pack took more time than the tail's arithmetic (10 % of the exact GSC profile of
    /// batch-norm nets, whose products are 100 wide: 6 panels of 16 and a 4-column tail).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeDouble4x4Block(double* dst, nint dstStride, double* b, nint ldb, int pc, int p0, int p1, int jq)
    {
        double* src = b + jq * ldb + pc;
        for (int p = p0; p < p1; p += 4)
        {
            double* s = src + p;
            Vector256<double> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ldb),
                r2 = Avx.LoadVector256(s + 2 * ldb), r3 = Avx.LoadVector256(s + 3 * ldb);
            // (r0[0], r1[0], r0[2], r1[2]) … then join the low lanes (columns 0, 1) and the high lanes (2, 3).
            Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            double* d = dst + p * dstStride;
            Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
            Avx.Store(d + dstStride, Avx.Permute2x128(t1, t3, 0x20));
            Avx.Store(d + 2 * dstStride, Avx.Permute2x128(t0, t2, 0x31));
            Avx.Store(d + 3 * dstStride, Avx.Permute2x128(t1, t3, 0x31));
        }
    }

    /// <summary><see cref="TransposeDouble4x4Block"/> for float, with 128-bit rows: the last columns of a partial panel and the
    /// k values an 8×8 block leaves (k = 100 = 12·8 + 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeFloat4x4(float* dst, nint dstStride, float* b, nint ldb, int pc, int p0, int p1, int jq)
    {
        float* src = b + jq * ldb + pc;
        for (int p = p0; p < p1; p += 4)
        {
            float* s = src + p;
            Vector128<float> r0 = Sse.LoadVector128(s), r1 = Sse.LoadVector128(s + ldb),
                r2 = Sse.LoadVector128(s + 2 * ldb), r3 = Sse.LoadVector128(s + 3 * ldb);
            // (r0[0], r1[0], r0[1], r1[1]) and (r0[2], r1[2], r0[3], r1[3]), the same for rows 2 and 3; then halves joined.
            Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1);
            Vector128<float> t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);
            float* d = dst + p * dstStride;
            Sse.Store(d, Sse.MoveLowToHigh(t0, t2));
            Sse.Store(d + dstStride, Sse.MoveHighToLow(t2, t0));
            Sse.Store(d + 2 * dstStride, Sse.MoveLowToHigh(t1, t3));
            Sse.Store(d + 3 * dstStride, Sse.MoveHighToLow(t3, t1));
        }
    }
}
