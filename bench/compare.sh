#!/usr/bin/env bash
# Runs `gradscope bench` and the PyTorch peer (bench/peer/pytorch_mlp.py) on the same configurations
# in one go and prints throughput ratios and GFLOP/s of both next to the machine's sgemm peak,
# measured in the same run through the same OpenBLAS (bench/peer/sgemm_peak.py, inside the peer process).
# Usage: bench/compare.sh [--seconds S] [--quick] [--archs a,b] [--out DIR]   (DIR keeps the raw JSON)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=2
out=""
archs="relu,batch-relu,resnet-relu"
peer_args=()
gs_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --quick) peer_args+=(--batches 128 --inputs 784); gs_args+=(--batches 128 --inputs 784); shift ;;
    --archs) archs="$2"; shift 2 ;;
    --out) out="$2"; mkdir -p "$out"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# The peer: Debian's PyTorch with OpenBLAS (without libopenblas Debian falls back to the reference BLAS).
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread
fi

# OpenBLAS picks a slow generic kernel on this CPU unless told its core type. Probe the candidates with the same
# peak measurement the peer reports (bench/peer/sgemm_peak.py, which itself swaps AVX-512 core types for Haswell
# on CPUs without AVX-512 instead of dying with an illegal instruction) and keep the fastest.
coretype=""; best=0
for candidate in SkylakeX Zen Haswell; do
  if probe=$(OPENBLAS_CORETYPE=$candidate /usr/bin/python3 "$root/bench/peer/sgemm_peak.py" --size 1024 --repeats 5 --threads 2 2>/dev/null); then
    read -r used gf < <(/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["openblas_coretype"], d["sgemm_gflops"])' "$probe")
    echo "OPENBLAS_CORETYPE=$candidate (runs $used): sgemm $gf GFLOP/s" >&2
    if /usr/bin/python3 -c "import sys; sys.exit(0 if $gf > $best else 1)"; then coretype=$used; best=$gf; fi
  else
    echo "OPENBLAS_CORETYPE=$candidate: fails on this CPU" >&2
  fi
done
export OPENBLAS_CORETYPE=$coretype

[ -n "$out" ] || out="$(mktemp -d)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Side by side: one architecture at a time, GradScope then PyTorch, so that both see the same machine load
# (other sessions come and go within minutes); the peer measures the sgemm peak each time, the table uses the best.
IFS=, read -r -a arch_list <<< "$archs"
for arch in "${arch_list[@]}"; do
  "$root/gradscope" bench --no-diagnostics --seconds "$seconds" --archs "$arch" --json "$out/gradscope.$arch.json" "${gs_args[@]}" >&2
  /usr/bin/python3 "$root/bench/peer/pytorch_mlp.py" --seconds "$seconds" --archs "$arch" "${peer_args[@]}" > "$out/pytorch.$arch.json"
done
/usr/bin/python3 - "$out" "${arch_list[@]}" <<'PY'
import json, sys
out, archs = sys.argv[1], sys.argv[2:]
for tool in ("gradscope", "pytorch"):
    parts = [json.load(open(f"{out}/{tool}.{a}.json")) for a in archs]
    merged = dict(parts[0])
    merged["training"] = [r for p in parts for r in p["training"]]
    merged["peak_memory_mb"] = max(p["peak_memory_mb"] for p in parts)
    if tool == "pytorch":
        merged["sgemm_peak_gflops"] = max(p["sgemm_peak_gflops"] for p in parts)
        merged["sgemm_peak"] = max((p["sgemm_peak"] for p in parts), key=lambda r: r["sgemm_gflops"])
        merged["sgemm_peak_per_arch"] = {a: p["sgemm_peak_gflops"] for a, p in zip(archs, parts)}
    json.dump(merged, open(f"{out}/{tool}.json", "w"), indent=2)
PY
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "{\"load_before\": \"$load_before\", \"load_after\": \"$load_after\", \"date\": \"$(date -u +%FT%TZ)\", \"commit\": \"$(git -C "$root" rev-parse --short HEAD)\"}" > "$out/run.json"

/usr/bin/python3 - "$out/gradscope.json" "$out/pytorch.json" "$out/run.json" <<'PY'
import json, sys
ours, peer, run = (json.load(open(p)) for p in sys.argv[1:4])
peak = peer["sgemm_peak_gflops"]
key = lambda r: (r["arch"], r["batch"], r["inputs"])
theirs = {key(r): r for r in peer["training"]}
print(f"sgemm peak (OpenBLAS {peer.get('openblas_coretype')}, {peer['threads']} threads): {peak:.1f} GFLOP/s, best of "
      + ", ".join(f"{a} {g:.1f}" for a, g in peer.get("sgemm_peak_per_arch", {}).items()) + f"; GradScope GEMM: {ours['gemm_tier']}")
print(f"{'arch':12s} {'batch':>5s} {'inputs':>6s} {'gradscope ex/s':>15s} {'pytorch ex/s':>13s} {'ratio':>6s} {'GS GF/s':>8s} {'PT GF/s':>8s} {'GS % peak':>9s}")
for r in ours["training"]:
    p = theirs.get(key(r))
    if p is None:
        continue
    print(f"{r['arch']:12s} {r['batch']:5d} {r['inputs']:6d} {r['examples_per_second']:15.0f} {p['examples_per_second']:13.0f} "
          f"{r['examples_per_second'] / p['examples_per_second']:6.2f} {r['gflops']:8.1f} {p['gflops']:8.1f} {100 * r['gflops'] / peak:8.1f}%")
print(f"load average (1/5/15 min) before {run['load_before']}, after {run['load_after']}; {run['date']} commit {run['commit']}")
print(f"peak memory: gradscope {ours['peak_memory_mb']:.0f} MB, pytorch {peer['peak_memory_mb']:.0f} MB")
PY
echo "raw figures: $out" >&2
