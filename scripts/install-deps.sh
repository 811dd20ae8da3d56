#!/usr/bin/env bash
# Installs the system packages Scalpel builds against, when they are missing:
# OpenBLAS (BLAS), oneDNN (convolution, batch norm), zlib, libpng and libjpeg-turbo (image folders), SQLite (the results database,
# through GRDB). Debian/Ubuntu only.
set -euo pipefail
packages=(libopenblas-dev libdnnl-dev pkg-config zlib1g-dev libpng-dev libjpeg62-turbo-dev libsqlite3-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
