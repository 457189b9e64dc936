#!/usr/bin/env bash
# One command for the figures of docs/bench.md: GradScope's training step on every vector tier this CPU has, next to
# PyTorch (bench/peer/pytorch_mlp.py) on the same configurations, the machine's sgemm peak measured in the same run
# through OpenBLAS (bench/peer/sgemm_peak.py), and the diagnostics timings next to a float64 PyTorch implementation
# of the same exact GSC profile. Writes the raw JSON, run.json (CPU model, tiers, load, commit), table.txt and table.md.
# Usage: bench/compare.sh [--seconds S] [--quick] [--full] [--archs a,b] [--optimizers o,p] [--no-diagnostics]
#                         [--part-timeout S] [--repeat N] [--out DIR]
#   default: 5 architectures × batch 128 and 1000 × 784 inputs × SGD and Adam, ≈ 5 minutes on 2 cores;
#   --quick: batch 128 only, Adam only; --full: also batch 32 and 3072 inputs. DIR defaults to bench/results/<date>.
#   Every part (one tool on one architecture, the diagnostics of each tool) gets at most --part-timeout seconds (default
#   900): a part that fails or runs out of time is recorded as such in run.json and the tables, and the run goes on.
#   Each vector tier has its own PyTorch peer and sgemm peak: on an AVX-512 CPU the AVX2 tier is compared with PyTorch
#   restricted to AVX2 (an AVX2 OpenBLAS core type, ATEN_CPU_CAPABILITY=avx2), as on an AVX2-only machine.
#   --repeat N runs the training parts N times (all architectures, then again) and keeps, for both tools alike, each
#   configuration's best run and the best sgemm peak: other load only ever slows a run down. The diagnostics run N times
#   too, and each timed part keeps its best run (so a whole analysis and its parts may come from different runs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=2
out=""
archs="relu,batch-relu,layer-relu,resnet-relu,resnet-batch-relu"
batches="128,1000"
inputs="784"
optimizers="sgd,adam"
diagnostics=1
part_timeout=900
repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --quick) batches="128"; optimizers="adam"; shift ;;
    --full) batches="32,128,1000"; inputs="784,3072"; shift ;;
    --archs) archs="$2"; shift 2 ;;
    --optimizers) optimizers="$2"; shift 2 ;;
    --no-diagnostics) diagnostics=0; shift ;;
    --part-timeout) part_timeout="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "--repeat must be a positive integer (got $repeat)" >&2; exit 2; }
[ -n "$out" ] || out="$root/bench/results/$(date -u +%F)"
mkdir -p "$out"
parts="$out/parts.tsv"
: > "$parts"

# run_part NAME OUTPUT COMMAND…: runs COMMAND with its stdout in OUTPUT (or on stderr for -), under the part timeout,
# and appends "NAME<TAB>ok|timeout|failed (exit N)<TAB>seconds" to parts.tsv; never stops the run.
run_part() {
  local name="$1" output="$2" started status rc=0
  shift 2
  started=$EPOCHREALTIME
  if [ "$output" = - ]; then
    timeout --kill-after=10 "$part_timeout" "$@" >&2 || rc=$?
  else
    timeout --kill-after=10 "$part_timeout" "$@" > "$output.partial" || rc=$?
    if [ "$rc" = 0 ]; then mv "$output.partial" "$output"; else rm -f "$output.partial"; fi
  fi
  case "$rc" in
    0) status=ok ;;
    124|137) status=timeout ;;
    *) status="failed (exit $rc)" ;;
  esac
  printf '%s\t%s\t%.1f\n' "$name" "$status" "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" >> "$parts"
  [ "$status" = ok ] || echo "compare.sh: part $name: $status" >&2
}

# The peer: Debian's PyTorch with OpenBLAS (without libopenblas Debian falls back to the reference BLAS).
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread
fi

# OpenBLAS picks a slow generic kernel on this CPU unless told its core type. Probe the candidates with the same
# peak measurement the peer reports (sgemm_peak.py swaps AVX-512 core types for Haswell on CPUs without AVX-512
# instead of dying with an illegal instruction) and keep the fastest.
# The fastest AVX2 core type (Zen, Haswell) is kept apart: it is the peer of GradScope's AVX2 tier on an AVX-512 CPU.
coretype=""; best=0; coretype_avx2=""; best_avx2=0
for candidate in SkylakeX Zen Haswell; do
  if probe=$(OPENBLAS_CORETYPE=$candidate /usr/bin/python3 "$root/bench/peer/sgemm_peak.py" --size 1024 --repeats 5 --threads 2 2>/dev/null); then
    read -r used gf < <(/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["openblas_coretype"], d["sgemm_gflops"])' "$probe")
    echo "OPENBLAS_CORETYPE=$candidate (runs $used): sgemm $gf GFLOP/s" >&2
    if /usr/bin/python3 -c "import sys; sys.exit(0 if $gf > $best else 1)"; then coretype=$used; best=$gf; fi
    if [ "$used" != SkylakeX ] && /usr/bin/python3 -c "import sys; sys.exit(0 if $gf > $best_avx2 else 1)"; then
      coretype_avx2=$used; best_avx2=$gf
    fi
  else
    echo "OPENBLAS_CORETYPE=$candidate: fails on this CPU" >&2
  fi
done
export OPENBLAS_CORETYPE=$coretype

# GradScope's tiers on this CPU. GRADSCOPE_TIER forces one (the default measures and picks the fastest);
# DOTNET_EnableAVX512=0 (.NET 10's name; DOTNET_EnableAVX512F no longer works) hides AVX-512 from the runtime.
tiers=(avx2)
grep -qw avx512f /proc/cpuinfo && tiers=(avx512 avx2)
cpu_model=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
"$root/gradscope" --help >/dev/null  # build once, outside the timings

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Side by side: one architecture at a time, GradScope (each tier) then PyTorch, so that all see the same machine load
# (other sessions come and go within minutes); the peer measures the sgemm peak each time, the table uses the best.
IFS=, read -r -a arch_list <<< "$archs"
common=(--seconds "$seconds" --batches "$batches" --inputs "$inputs" --optimizers "$optimizers")
for run in $(seq 1 "$repeat"); do
for arch in "${arch_list[@]}"; do
  for tier in "${tiers[@]}"; do
    if [ "$tier" = avx2 ] && [ "${#tiers[@]}" -gt 1 ]; then env_tier=(env DOTNET_EnableAVX512=0); else env_tier=(env GRADSCOPE_TIER=$tier); fi
    rm -f "$out/gradscope.$tier.$arch.run$run.json"
    run_part "gradscope $tier $arch run $run" - "${env_tier[@]}" "$root/gradscope" bench --no-diagnostics --archs "$arch" \
      "${common[@]}" --json "$out/gradscope.$tier.$arch.run$run.json"
  done
  # The peer of each tier: on an AVX-512 CPU, GradScope's AVX2 tier (an AVX2-only machine) is compared with PyTorch
  # restricted to AVX2 too — OpenBLAS with an AVX2 core type, ATen's kernels at AVX2 — and with that run's sgemm peak.
  for tier in "${tiers[@]}"; do
    if [ "$tier" = avx2 ] && [ "${#tiers[@]}" -gt 1 ]; then
      env_peer=(env OPENBLAS_CORETYPE="${coretype_avx2:-Haswell}" ATEN_CPU_CAPABILITY=avx2)
    else
      env_peer=(env)
    fi
    run_part "pytorch $tier $arch run $run" "$out/pytorch.$tier.$arch.run$run.json" \
      "${env_peer[@]}" /usr/bin/python3 "$root/bench/peer/pytorch_mlp.py" --archs "$arch" "${common[@]}"
  done
done
done
run_part "gradscope tier selection" - "$root/gradscope" bench --no-training --no-diagnostics --json "$out/gradscope.selected.json"
selected=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tier"])' "$out/gradscope.selected.json" \
  2>/dev/null || echo unknown)
if [ "$diagnostics" = 1 ]; then
  # Diagnostics of a 50 × 100 network on 256 inputs, the tier GradScope picks, then the PyTorch float64 profile; --repeat
  # times each, like the training parts (the summary keeps each part's best run, for both tools).
  rm -f "$out/gradscope.diagnostics.json" "$out/pytorch.diagnostics.json"
  for run in $(seq 1 "$repeat"); do
    rm -f "$out/gradscope.diagnostics.run$run.json"
    run_part "gradscope diagnostics run $run" - "$root/gradscope" bench --no-training --json "$out/gradscope.diagnostics.run$run.json"
    run_part "pytorch diagnostics run $run" "$out/pytorch.diagnostics.run$run.json" \
      /usr/bin/python3 "$root/bench/peer/pytorch_mlp.py" --archs "" --gsc relu,batch-relu,resnet-batch-relu
  done
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "$cpu_model" "$selected" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "${GRADSCOPE_COMMIT:-unknown}")" \
  "$repeat" "${#tiers[@]}" "${tiers[@]}" "${arch_list[@]}" <<'PY'
import json, os, sys, datetime
out, load_before, load_after, cpu, selected, commit, repeat, ntiers = sys.argv[1:9]
runs = range(1, int(repeat) + 1)
tiers = sys.argv[9:9 + int(ntiers)]
archs = sys.argv[9 + int(ntiers):]
def load(name):
    """A part's JSON, or None when the part failed or ran out of time (parts.tsv says which)."""
    try:
        return json.load(open(os.path.join(out, name)))
    except (OSError, ValueError):
        return None
parts = [line.rstrip("\n").split("\t") for line in open(os.path.join(out, "parts.tsv")) if line.strip()]
def best_rows(docs):
    """Each configuration's fastest row over the runs (every row keeps its run number)."""
    best = {}
    for run, doc in docs:
        for r in doc["training"]:
            k = (r["arch"], r["batch"], r["inputs"], r["optimizer"])
            if k not in best or r["examples_per_second"] > best[k]["examples_per_second"]:
                best[k] = dict(r, run=run)
    return list(best.values())
ours, peer_rows = [], []
peak_per_arch = {t: {} for t in tiers}    # tier -> arch -> the peer's sgemm peak before that architecture
peer_setup = {t: {} for t in tiers}       # tier -> the peer's OpenBLAS core type and ATen CPU capability
for a in archs:
    for t in tiers:
        docs = [(n, d) for n in runs if (d := load(f"gradscope.{t}.{a}.run{n}.json"))]
        ours += [dict(r, tier=t) for r in best_rows(docs)]
        peer_docs = [(n, d) for n in runs if (d := load(f"pytorch.{t}.{a}.run{n}.json"))]
        peer_rows += [dict(r, tier=t) for r in best_rows(peer_docs)]
        for _, peer_doc in peer_docs:
            peak_per_arch[t][a] = max(peak_per_arch[t].get(a, 0.0), peer_doc["sgemm_peak_gflops"])
            peer_setup[t] = {"openblas_coretype": peer_doc.get("openblas_coretype"),
                             "aten_cpu_capability": peer_doc.get("aten_cpu_capability")}
peaks = {t: max(peak_per_arch[t].values(), default=float("nan")) for t in tiers}
selected_doc = load("gradscope.selected.json")


def cpu_identity():
    """What identifies the CPU when its model name does not (a virtual machine may say only "AMD EPYC"): vendor, family,
    model and stepping, the vector extensions, and the caches of cpu0 (per core for L1/L2, shared for L3)."""
    first = open("/proc/cpuinfo").read().split("\n\n")[0]
    fields = dict((k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in first.splitlines()) if k.strip())
    flags = fields.get("flags", "").split()
    caches = {}
    base = "/sys/devices/system/cpu/cpu0/cache"
    for index in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if not index.startswith("index"):
            continue
        read = lambda name: open(os.path.join(base, index, name)).read().strip()
        kind = read("type")
        if kind in ("Data", "Unified"):
            caches[f"L{read('level')}"] = read("size")
    return {"vendor": fields.get("vendor_id"), "family": fields.get("cpu family"), "model": fields.get("model"),
            "stepping": fields.get("stepping"), "caches": caches,
            "vector_flags": sorted(f for f in flags if f.startswith("avx") or f in ("fma", "f16c"))}


def huge_pages():
    """Whether GradScope's large buffers could get transparent huge pages (HugePages: Linux in "madvise" or "always"
    mode, unless GRADSCOPE_HUGE_PAGES=0): first-touch page faults weigh on the diagnostics' timings."""
    mode = None
    path = "/sys/kernel/mm/transparent_hugepage/enabled"
    if os.path.exists(path):
        text = open(path).read()
        mode = text[text.find("[") + 1:text.find("]")] if "[" in text else text.strip()
    return {"transparent_hugepage": mode, "advised": mode in ("madvise", "always")
            and os.environ.get("GRADSCOPE_HUGE_PAGES", "").strip() != "0"}


run = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "commit": commit,
       "cpu_model": cpu, "cpu": cpu_identity(), "threads": os.cpu_count(), "runs": int(repeat), "tiers_timed": tiers, "tier_selected": selected,
       "gemm_tier": selected_doc["gemm_tier"] if selected_doc else None,
       "openblas_coretype": peer_setup[tiers[0]].get("openblas_coretype"), "sgemm_peak_gflops": peaks[tiers[0]],
       "peer_per_tier": {t: dict(peer_setup[t], sgemm_peak_gflops=peaks[t], sgemm_peak_per_arch=peak_per_arch[t])
                         for t in tiers},
       "load_before": load_before, "load_after": load_after, "huge_pages": huge_pages(),
       "parts": [{"part": p[0], "status": p[1], "seconds": float(p[2])} for p in parts]}
json.dump({"tool": "gradscope", "training": ours}, open(os.path.join(out, "gradscope.json"), "w"), indent=2)
json.dump({"tool": "pytorch", "training": peer_rows, "sgemm_peak_gflops_per_tier": peaks},
          open(os.path.join(out, "pytorch.json"), "w"), indent=2)
json.dump(run, open(os.path.join(out, "run.json"), "w"), indent=2)

key = lambda r: (r["arch"], r["batch"], r["inputs"], r["optimizer"])
theirs = {(key(r), r["tier"]): r for r in peer_rows}
mine = {(key(r), r["tier"]): r for r in ours}
head = ["arch", "batch", "inputs", "opt"] + [f"GS {t} ex/s" for t in tiers] + [f"PyTorch {t} ex/s" for t in tiers] \
    + [f"ratio {t}" for t in tiers] + [f"% peak {t}" for t in tiers]
rows = []
for k in sorted({key(r) for r in ours}, key=lambda k: (archs.index(k[0]), k[2], k[1], k[3])):
    g = [mine.get((k, t)) for t in tiers]
    p = [theirs.get((k, t)) for t in tiers]
    rows.append([k[0], str(k[1]), str(k[2]), k[3]] + [f"{r['examples_per_second']:,.0f}" if r else "-" for r in g]
                + [f"{r['examples_per_second']:,.0f}" if r else "-" for r in p]
                + [f"{r['examples_per_second'] / q['examples_per_second']:.1f}×" if r and q else "-" for r, q in zip(g, p)]
                + [f"{100 * r['gflops'] / peaks[t]:.0f} %" if r else "-" for r, t in zip(g, tiers)])
lines_txt = [f"CPU {cpu}, {os.cpu_count()} threads; tiers timed {', '.join(tiers)}; selected at run time: {selected}",
             "sgemm peak (best of the per-architecture measurements): " + "; ".join(
                 f"{t}: {peaks[t]:.1f} GFLOP/s (OpenBLAS {peer_setup[t].get('openblas_coretype')}, "
                 f"ATen {peer_setup[t].get('aten_cpu_capability')})" for t in tiers),
             f"load average (1/5/15 min) before {load_before}, after {load_after}; {run['date']} commit {commit}"
             + (f"; best of {repeat} runs per configuration, both tools" if int(repeat) > 1 else ""), ""]
missing = [p for p in parts if p[1] != "ok"]
if missing:
    lines_txt[2:2] = ["parts that did not finish: " + "; ".join(f"{p[0]}: {p[1]} after {float(p[2]):.0f} s" for p in missing)]
widths = [max(len(x) for x in col) for col in zip(head, *rows)]
lines_txt.append("  ".join(h.rjust(w) for h, w in zip(head, widths)))
lines_txt += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
md = lines_txt[:3 + bool(missing)] + ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]

def best_diagnostics(tool, key):
    """Each timed part's fastest run over the diagnostics runs (the part keeps its run number), in first-run order."""
    best = {}
    for n in runs:
        for d in (load(f"{tool}.diagnostics.run{n}.json") or {"diagnostics": []})["diagnostics"]:
            k = key(d)
            if k not in best or d["milliseconds"] < best[k]["milliseconds"]:
                best[k] = dict(d, run=n)
    return list(best.values())
gd = best_diagnostics("gradscope", lambda d: (d["architecture"], d["part"]))
pd = best_diagnostics("pytorch", lambda d: d["arch"])
if gd:
    json.dump({"tool": "gradscope", "runs": int(repeat), "diagnostics": gd},
              open(os.path.join(out, "gradscope.diagnostics.json"), "w"), indent=2)
if pd:
    json.dump({"tool": "pytorch", "runs": int(repeat), "diagnostics": pd},
              open(os.path.join(out, "pytorch.diagnostics.json"), "w"), indent=2)
if gd or pd:
    torch_ms = {d["arch"]: d["milliseconds"] for d in pd}
    if not gd:
        gd = [{"architecture": a, "part": "analyze/gsc_profile", "milliseconds": float("nan")} for a in torch_ms]
    lines_txt += ["", "diagnostics, 50 × 100 network on 256 inputs (GradScope at the selected tier; wall ms, process cpu ms"
                  + (f"; each part's best of {repeat} runs, both tools)" if int(repeat) > 1 else ")")]
    md += ["", "| network | part | GradScope wall ms | GradScope cpu ms | PyTorch float64 ms |", "|---|---|---|---|---|"]
    for d in gd:
        pt = f"{torch_ms[d['architecture']]:,.0f}" if d["part"] == "analyze/gsc_profile" and d["architecture"] in torch_ms else ""
        cpu_ms = d.get("cpu_milliseconds")
        cpu_s = f"{cpu_ms:,.0f}" if isinstance(cpu_ms, (int, float)) else ""
        lines_txt.append(f"  {d['architecture']:18s} {d['part']:44s} {d['milliseconds']:10,.0f} {cpu_s:>8s} {pt:>10s}")
        md.append(f"| {d['architecture']} | {d['part']} | {d['milliseconds']:,.0f} | {cpu_s} | {pt} |")
open(os.path.join(out, "table.txt"), "w").write("\n".join(lines_txt) + "\n")
open(os.path.join(out, "table.md"), "w").write("\n".join(md) + "\n")
print("\n".join(lines_txt))
PY
echo "raw figures: $out" >&2
