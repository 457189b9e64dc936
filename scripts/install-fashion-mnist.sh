#!/bin/sh
# Installs Debian's Fashion-MNIST package (the default dataset) when it is missing.
# Idempotent; uses sudo when not root. Set GRADSCOPE_DATA or pass --data DIR to use files elsewhere.
set -eu
dir=/usr/share/datasets/fashion-mnist
if [ -f "$dir/train-images-idx3-ubyte.gz" ] && [ -f "$dir/t10k-labels-idx1-ubyte.gz" ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
while pgrep -x apt-get >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1; do
    echo "waiting for another apt/dpkg process to finish..."
    sleep 5
done
echo "Fashion-MNIST is missing; installing Debian's dataset-fashion-mnist package..."
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
