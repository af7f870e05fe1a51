#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: installs the Debian packages the build and the
# tests need, only when they are missing. Safe to run many times; needs root (or sudo) only when
# something is actually missing.
set -euo pipefail

packages=(libceres-dev libeigen3-dev libopenblas-dev libpng-dev libjpeg-dev zlib1g-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import numpy' 2>/dev/null; then
  echo "setup: installing numpy (used by the interoperability tests)"
  python3 -m pip install -q numpy
fi

# EvalTests screenshot the HTML report with headless Chromium (the test is skipped, with a message, without it).
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium (report screenshot test)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null || echo "setup: chromium not installed; the report screenshot test will be skipped" >&2
fi
if ! python3 -c 'import plyfile' 2>/dev/null; then
  echo "setup: installing plyfile (PLY interoperability tests: the reader of ScanNet and PyTorch 3D code)"
  python3 -m pip install -q plyfile
fi

command -v swift >/dev/null || { echo "setup: swift not found on PATH (expected Swift 6.x, e.g. /opt/swift/usr/bin)" >&2; exit 1; }
echo "setup: ok ($(swift --version 2>/dev/null | head -n1))"
