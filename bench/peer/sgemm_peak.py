#!/usr/bin/env python3
"""Single-precision matmul peak of this machine through numpy and/or torch, as a yardstick for GradScope's GEMM.

Usage: OPENBLAS_CORETYPE=SkylakeX python3 bench/peer/sgemm_peak.py [--size 4096] [--repeats 5] [--threads N]
Prints one JSON object: {"sgemm_gflops": best over libraries, "numpy_gflops": ..., "torch_gflops": ..., ...}.
A library that is not installed is reported as null.
"""
import argparse
import json
import os
import time


def best_seconds(run, repeats):
    run()  # warm-up: thread pool start, page faults of the output
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def numpy_gflops(n, repeats):
    try:
        import numpy as np
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.empty((n, n), dtype=np.float32)
    return 2.0 * n**3 / best_seconds(lambda: np.matmul(a, b, out=c), repeats) / 1e9


def torch_gflops(n, repeats, threads):
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


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = library default)")
    args = p.parse_args()
    results = {
        "numpy_gflops": numpy_gflops(args.size, args.repeats),
        "torch_gflops": torch_gflops(args.size, args.repeats, args.threads),
    }
    found = [v for v in results.values() if v is not None]
    out = {"sgemm_gflops": round(max(found), 1) if found else None}
    out.update({k: (round(v, 1) if v is not None else None) for k, v in results.items()})
    out.update({"size": args.size, "cpus": os.cpu_count(),
                "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
