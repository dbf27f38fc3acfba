#!/usr/bin/env bash
# Installs what the package needs when it is missing: the system libraries it links against (OpenBLAS, zlib,
# Open MPI for data-parallel training)
# and Debian's Fashion-MNIST (dataset-fashion-mnist, under /usr/share/datasets/fashion-mnist) for fashion-cnn.
# Debian/Ubuntu: apt-get, through sudo when not root. macOS needs nothing (Accelerate and zlib ship with it).
set -euo pipefail
[ "$(uname)" = "Darwin" ] && exit 0
missing=()
for pkg in libopenblas-dev zlib1g-dev pkg-config libopenmpi-dev openmpi-bin dataset-fashion-mnist; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
