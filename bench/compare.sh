#!/usr/bin/env bash
# Runs `gradscope bench` and the PyTorch peer (bench/peer/pytorch_mlp.py) on the same configurations
# in one go and prints throughput ratios and GFLOP/s of both next to the machine's sgemm peak,
# measured in the same run through the same OpenBLAS. Usage: bench/compare.sh [--seconds S] [--quick]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=2
peer_args=()
gs_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --quick) peer_args+=(--batches 128 --inputs 784); gs_args+=(--batches 128 --inputs 784); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# The peer: Debian's PyTorch with OpenBLAS (without libopenblas Debian falls back to the reference BLAS).
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread
fi

# OpenBLAS picks a slow generic kernel on this CPU unless told its core type. SkylakeX is the intended
# one; where it dies with an illegal instruction (some virtual CPUs hide AVX-512 subsets) take the
# fastest core type that runs.
probe='import torch,time
torch.set_num_threads(2); a=torch.randn(2048,2048); b=torch.randn(2048,2048); torch.mm(a,b); best=1e9
for _ in range(3):
    t=time.perf_counter(); torch.mm(a,b); best=min(best,time.perf_counter()-t)
print(2*2048**3/best/1e9)'
coretype=""; best=0
for candidate in SkylakeX Cooperlake Zen Haswell; do
  if gf=$(OPENBLAS_CORETYPE=$candidate /usr/bin/python3 -c "$probe" 2>/dev/null); then
    echo "OPENBLAS_CORETYPE=$candidate: sgemm $gf GFLOP/s" >&2
    if [ "$candidate" = SkylakeX ]; then coretype=$candidate; break; fi
    if python3 -c "import sys; sys.exit(0 if $gf > $best else 1)"; then coretype=$candidate; best=$gf; fi
  else
    echo "OPENBLAS_CORETYPE=$candidate: fails on this CPU" >&2
  fi
done
export OPENBLAS_CORETYPE=$coretype

out="$(mktemp -d)"
"$root/gradscope" bench --seconds "$seconds" --json "$out/gradscope.json" "${gs_args[@]}" >&2
/usr/bin/python3 "$root/bench/peer/pytorch_mlp.py" --seconds "$seconds" "${peer_args[@]}" > "$out/pytorch.json"

/usr/bin/python3 - "$out/gradscope.json" "$out/pytorch.json" <<'PY'
import json, sys
ours, peer = (json.load(open(p)) for p in sys.argv[1:3])
peak = peer["sgemm_peak_gflops"]
key = lambda r: (r["arch"], r["batch"], r["inputs"])
theirs = {key(r): r for r in peer["training"]}
print(f"sgemm peak (OpenBLAS {peer.get('openblas_coretype')}, {peer['threads']} threads): {peak:.1f} GFLOP/s; GradScope GEMM: {ours['gemm_tier']}")
print(f"{'arch':12s} {'batch':>5s} {'inputs':>6s} {'gradscope ex/s':>15s} {'pytorch ex/s':>13s} {'ratio':>6s} {'GS GF/s':>8s} {'PT GF/s':>8s} {'GS % peak':>9s}")
for r in ours["training"]:
    p = theirs.get(key(r))
    if p is None:
        continue
    print(f"{r['arch']:12s} {r['batch']:5d} {r['inputs']:6d} {r['examples_per_second']:15.0f} {p['examples_per_second']:13.0f} "
          f"{r['examples_per_second'] / p['examples_per_second']:6.2f} {r['gflops']:8.1f} {p['gflops']:8.1f} {100 * r['gflops'] / peak:8.1f}%")
print(f"peak memory: gradscope {ours['peak_memory_mb']:.0f} MB, pytorch {peer['peak_memory_mb']:.0f} MB")
PY
echo "raw figures: $out" >&2
