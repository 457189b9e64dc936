#!/usr/bin/env bash
# The main job: installs what a fresh machine lacks, then reproduces every study of the paper on
# the quick budget and prints the path of the report. Re-running it resumes; finished cells are kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${GRADSCOPE_DATA:-}" ]; then sh "$root/scripts/install-fashion-mnist.sh"; fi
exec "$root/gradscope" reproduce --preset quick --out "${1:-$root/runs/quick}"
