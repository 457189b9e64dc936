#!/usr/bin/env bash
# The runs behind docs/faithfulness.md (effective depth, Taylor, ResNet layout). JSON lines go to $OUT.
# Usage: scripts/science/run-investigation.sh layout|depth [out.jsonl]
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
      for layout in post pre; do
        for wr in 0.2 0.1; do
          run resnet-relu 50 sgd 0.1 $epochs $subset $seed $layout $wr
          run resnet-relu 50 adam 0.001 $epochs $subset $seed $layout $wr
        done
        run resnet-batch-relu 50 sgd 0.1 $epochs $subset $seed $layout
      done
    done ;;
  depth)
    for seed in 1 2; do
      for arch in relu batch-relu resnet-relu tanh layer-tanh selu relu-ll resnet-batch-relu resnet-tanh; do
        run $arch 50 adam 0.001 $epochs $subset $seed
      done
      run batch-relu 50 adam 0.0001 $epochs $subset $seed
      run batch-relu 50 sgd 0.1 $epochs $subset $seed
    done ;;
esac
