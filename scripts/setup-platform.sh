#!/usr/bin/env bash
# Idempotent machine setup for SwinBench.
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

if has_glibcxx_3432; then
  echo "setup-platform: libstdc++ already provides GLIBCXX_3.4.32, nothing to do"
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
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null
has_glibcxx_3432 || { echo "setup-platform: libstdc++6 from trixie still lacks GLIBCXX_3.4.32" >&2; exit 1; }
echo "setup-platform: installed libstdc++6 from Debian 13 (GLIBCXX_3.4.32 present)"
