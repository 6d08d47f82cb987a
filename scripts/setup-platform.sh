#!/usr/bin/env bash
# Idempotent machine setup for SwinBench: (1) the C++ runtime TorchSharp needs, (2) the build/test tools
# (cmake, g++ for plugins-cu; Debian's python3-onnx for the ONNX checker test; Debian's CPU python3-torch for the
# PyTorch peer tests, tests/Peers/PythonPeerTests), installed only when missing.
# TorchSharp 0.107's native layer (libLibTorchSharp.so) needs libstdc++ from GCC >= 13 (symbol
# version GLIBCXX_3.4.32). Debian 12 ships GCC 12's runtime; there we take libstdc++6 from Debian 13
# (trixie), pinned low so that every other package stays on bookworm. Ubuntu 24.04+/Debian 13+ already
# have it and this script does nothing. See ../shared/platform/debian12-libstdcxx.md.
set -euo pipefail

has_glibcxx_3432() {
  local lib
  for lib in /lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6; do
    [ -e "$lib" ] && grep -aq 'GLIBCXX_3\.4\.32' "$lib" && return 0
  done
  return 1
}

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "setup-platform: needs root (apt-get) to install $*; rerun with sudo" >&2
    exit 1
  fi
  [ "$apt_updated" = 1 ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian's CPU build of PyTorch, for the PyTorch peer tests (on Debian 12: 1.13.1 for Python 3.11, about 210 MB to
# fetch and 900 MB installed, without the recommended desktop packages). Where apt knows bookworm, it comes from
# bookworm with all its dependencies: the trixie suite added for libstdc++ is pinned low, and an install that would
# take any package from trixie is not done. Optional: where it cannot be installed, a warning says why and the peer
# tests that need torch are skipped with that reason.
install_torch() {
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "setup-platform: python3-torch present"
    return
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup-platform: WARNING: python3-torch not installed (needs root and apt-get); the PyTorch peer tests will be skipped" >&2
    return
  fi
  [ "$apt_updated" = 1 ] || { apt-get update -qq; apt_updated=1; }
  local args=(--no-install-recommends python3-torch) plan policy
  policy=$(apt-cache policy)
  grep -q 'n=bookworm,' <<<"$policy" && args=(-t bookworm "${args[@]}")
  if ! plan=$(apt-get install -s "${args[@]}" 2>&1); then
    echo "setup-platform: WARNING: apt cannot install python3-torch here ($(grep -m1 -E 'Depends:|Breaks:' <<<"$plan" | sed 's/^ *//'));" \
         "the PyTorch peer tests will be skipped" >&2
    return
  fi
  if [ "${args[0]}" = -t ] && grep -q '^Inst .*trixie' <<<"$plan"; then
    echo "setup-platform: WARNING: python3-torch would take packages from trixie here ($(grep '^Inst .*trixie' <<<"$plan" |
         awk '{print $2}' | tr '\n' ' '| sed 's/ $//')); not installed, the PyTorch peer tests will be skipped" >&2
    return
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${args[@]}" >/dev/null
  /usr/bin/python3 -c 'import torch' || { echo "setup-platform: python3-torch installed but 'import torch' fails" >&2; exit 1; }
  echo "setup-platform: installed python3-torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
}

install_tools() {
  local missing=()
  command -v cmake >/dev/null || missing+=(cmake)
  command -v c++ >/dev/null || missing+=(g++)
  /usr/bin/python3 -c 'import onnx' 2>/dev/null || missing+=(python3-onnx)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
    echo "setup-platform: installed ${missing[*]}"
  else
    echo "setup-platform: cmake, g++ and python3-onnx present"
  fi
  install_torch
}

if has_glibcxx_3432; then
  echo "setup-platform: libstdc++ already provides GLIBCXX_3.4.32"
  install_tools
  exit 0
fi

. /etc/os-release
if [ "${ID:-}" != "debian" ] || [ "${VERSION_ID:-}" != "12" ]; then
  echo "setup-platform: libstdc++ lacks GLIBCXX_3.4.32 and this is ${PRETTY_NAME:-an unknown OS};" \
       "install libstdc++ from GCC >= 13 (TorchSharp 0.107 needs it)" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-platform: needs root (apt-get) to install libstdc++6 from Debian 13; rerun with sudo" >&2
  exit 1
fi

src=/etc/apt/sources.list.d/debian.sources
uri=""
[ -f "$src" ] && uri=$(awk '/^URIs:/{print $2; exit}' "$src")
[ -n "$uri" ] || uri=http://deb.debian.org/debian
printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
  > /etc/apt/sources.list.d/trixie.sources
printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/trixie-low
apt-get update -qq
apt_updated=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null
has_glibcxx_3432 || { echo "setup-platform: libstdc++6 from trixie still lacks GLIBCXX_3.4.32" >&2; exit 1; }
echo "setup-platform: installed libstdc++6 from Debian 13 (GLIBCXX_3.4.32 present)"
install_tools
