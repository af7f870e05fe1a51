#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine. Installs only what is missing; safe to run many times.
#   tools/setup.sh          what building and running ovseg3r needs (make demo)
#   tools/setup.sh --test   that, plus what the test suites use as references (make test):
#                           numpy and plyfile (interoperability checks), chromium (report screenshot),
#                           ray (batch runner test)
set -euo pipefail

mode="${1:-run}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# openmpi-bin (mpirun + libmpi, loaded at run time) and libopenmpi-dev: data-parallel training (`mpirun -np 2 ovseg3r
# train`, what `make demo` runs); the build itself does not need them.
packages=(libceres-dev libeigen3-dev libopenblas-dev libpng-dev libjpeg-dev zlib1g-dev pkg-config python3-numpy
          openmpi-bin libopenmpi-dev)
[ "$mode" = "--test" ] && packages+=(chromium)
mapfile -t missing < <(apt_missing "${packages[@]}")

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null || {
    # chromium is only needed for one screenshot test, which skips with a message without it.
    mapfile -t still < <(apt_missing "${packages[@]}")
    if [ "${still[*]}" != "chromium" ]; then echo "setup: could not install ${still[*]}" >&2; exit 1; fi
    echo "setup: chromium could not be installed; the report screenshot test will be skipped" >&2
  }
fi

if [ "$mode" = "--test" ]; then
  for module in numpy plyfile; do
    if ! python3 -c "import $module" 2>/dev/null; then
      echo "setup: installing $module from PyPI (interoperability tests)"
      python3 -m pip install -q "$module"
    fi
  done
  # ray: only the batch runner's Ray test uses it (about 2 minutes to install); without it that test skips.
  if ! python3 -c "import ray" 2>/dev/null; then
    echo "setup: installing ray from PyPI (tools/ray_prepare.py test)"
    python3 -m pip install -q ray || echo "setup: ray could not be installed; the Ray runner test will be skipped" >&2
  fi
fi

command -v swift >/dev/null || { echo "setup: swift not found on PATH (expected Swift 6.x, e.g. /opt/swift/usr/bin)" >&2; exit 1; }
echo "setup: ok ($(swift --version 2>/dev/null | head -n1))"
