#!/usr/bin/python3
"""The machine's single-precision matmul peak through OpenBLAS (torch and/or numpy): the one yardstick every GradScope
benchmark quotes. Imported by pytorch_mlp.py (its `sgemm_peak_gflops`) and run by compare.sh to probe
OPENBLAS_CORETYPE; also usable alone:

    /usr/bin/python3 bench/peer/sgemm_peak.py [--size 2048] [--repeats 10] [--threads 2]

prints {"sgemm_gflops": best over libraries, "torch_gflops": ..., "numpy_gflops": ..., "size": ..., "threads": ...,
"openblas_coretype_requested": ..., "openblas_coretype": ...}. A library that is not installed is reported as null.
numpy/torch come from Debian (python3-numpy, python3-torch), hence /usr/bin/python3 rather than whatever `python3`
is first on PATH. Call guard_coretype() before numpy/torch are imported (this module imports them lazily).
"""
import argparse
import json
import os
import time

DEFAULT_SIZE, DEFAULT_REPEATS = 2048, 10


def guard_coretype():
    """OPENBLAS_CORETYPE=SkylakeX (or Cooperlake/SapphireRapids) makes OpenBLAS run AVX-512 code, which dies
    with SIGILL on a CPU without AVX-512F (e.g. this Zen 3 EPYC). It is read when numpy/torch load OpenBLAS, so
    replace it here, before the imports, with Haswell (the AVX2 + FMA kernels). Returns (requested, used)."""
    requested = os.environ.get("OPENBLAS_CORETYPE")
    if requested and requested.lower() in ("skylakex", "cooperlake", "sapphirerapids"):
        try:
            with open("/proc/cpuinfo") as f:
                has_avx512 = "avx512f" in f.read()
        except OSError:
            has_avx512 = True
        if not has_avx512:
            os.environ["OPENBLAS_CORETYPE"] = "Haswell"
            return requested, "Haswell"
    return requested, requested


def best_seconds(run, repeats):
    """Best of `repeats` timed calls after one warm-up (thread start, page faults): the best, not the mean, because
    other processes on a shared machine only ever make a call slower."""
    run()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def torch_gflops(n=DEFAULT_SIZE, repeats=DEFAULT_REPEATS, threads=0):
    try:
        import torch
    except ImportError:
        return None
    if threads:
        torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=g, dtype=torch.float32)
    b = torch.randn(n, n, generator=g, dtype=torch.float32)
    c = torch.empty(n, n, dtype=torch.float32)
    return 2.0 * n**3 / best_seconds(lambda: torch.matmul(a, b, out=c), repeats) / 1e9


def numpy_gflops(n=DEFAULT_SIZE, repeats=DEFAULT_REPEATS):
    try:
        import numpy as np
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.empty((n, n), dtype=np.float32)
    return 2.0 * n**3 / best_seconds(lambda: np.matmul(a, b, out=c), repeats) / 1e9


def measure(size=DEFAULT_SIZE, repeats=DEFAULT_REPEATS, threads=0):
    """The peak record: best over libraries plus each library's figure. numpy's OpenBLAS threads follow
    OPENBLAS_NUM_THREADS (set it to match `threads` before numpy loads, as main() does)."""
    results = {"torch_gflops": torch_gflops(size, repeats, threads), "numpy_gflops": numpy_gflops(size, repeats)}
    found = [v for v in results.values() if v is not None]
    out = {"sgemm_gflops": round(max(found), 1) if found else None}
    out.update({k: (round(v, 1) if v is not None else None) for k, v in results.items()})
    out.update({"size": size, "repeats": repeats, "threads": threads or os.cpu_count()})
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=DEFAULT_SIZE)
    p.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    p.add_argument("--threads", type=int, default=0, help="threads (0 = library default, all cores)")
    args = p.parse_args()
    requested, used = guard_coretype()
    if args.threads:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    out = measure(args.size, args.repeats, args.threads)
    out.update({"cpus": os.cpu_count(), "openblas_coretype_requested": requested, "openblas_coretype": used})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
