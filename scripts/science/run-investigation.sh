#!/usr/bin/env bash
# The runs behind docs/faithfulness.md (effective depth, Taylor, ResNet layout). JSON lines go to $OUT.
# Usage: scripts/science/run-investigation.sh layout|depth|long [out.jsonl]  (SEEDS, ARCHS, SKIP_DONE narrow a rerun)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build -c Release "$here/GradScope.Science.csproj" > /dev/null
dll="$here/bin/Release/net10.0/GradScope.Science.dll"
out="${2:-$here/results-$1.jsonl}"
run() { nice -n 10 dotnet "$dll" "$@" >> "$out" || echo "run failed: $*" >&2; }
epochs=3; subset=10000
case "$1" in
  layout)
    for seed in 1 2; do
      for layout in pre post; do
        [ "$layout" = post ] && [ "$seed" = 1 ] && [ -n "${SKIP_DONE:-}" ] && continue
        for wr in 0.2 0.1; do
          run resnet-relu 50 sgd 0.1 $epochs $subset $seed $layout $wr
          run resnet-relu 50 adam 0.001 $epochs $subset $seed $layout $wr
        done
        run resnet-batch-relu 50 sgd 0.1 $epochs $subset $seed $layout
      done
    done ;;
  depth)
    # Adam 1e-4: the rate at which every 50-layer MLP trains in 3 epochs (at 1e-3 tanh, layer-tanh and batch-relu stay
    # at 80-88 % training error); batch-relu under SGD 0.1 is the grid-edge blow-up of the quick preset.
    for seed in ${SEEDS:-1 2}; do
      for arch in ${ARCHS:-relu tanh batch-relu layer-tanh selu relu-ll resnet-relu resnet-batch-relu resnet-tanh}; do
        [ -n "${SKIP_DONE:-}" ] && [ "$seed" = 1 ] && [ "$arch" = relu ] && continue
        run $arch 50 adam 0.0001 $epochs $subset $seed
      done
      run batch-relu 50 sgd 0.1 $epochs $subset $seed
    done ;;
  long)
    # Does effective depth grow with training? 10 epochs instead of 3, seed 1.
    for arch in resnet-relu relu tanh; do run $arch 50 adam 0.0001 10 $subset 1; done ;;
esac
