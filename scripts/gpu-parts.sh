#!/usr/bin/env bash
# Packs what a GPU session needs beside the repository into parts small enough to travel with one device call each
# (a call carries at most 64 MiB, the repository included), under .gpu/parts/ (git-ignored):
#   gpu-parts.sh bundle            the swinbench GPU bundle (scripts/gpu-bundle.sh) -> bundle.tar.xz.NN
#   gpu-parts.sh ort [VERSION]     ONNX Runtime VERSION's libonnxruntime.so and CUDA provider from the NuGet package
#                                  (default: the harness's version), the provider's device code pruned to sm_90
#                                  (scripts/prune-fatbin.py) -> ort-VERSION.tar.zst.NN
# Each archive gets a .meta (part count, sha256) beside its parts. On the GPU machine, scripts/gpu-session.sh collects the parts a call
# carried and unpacks an archive once all its parts are there. PART_MB (default 24) sets the part size.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.gpu/parts
part_mb=${PART_MB:-24}
mkdir -p "$out"

split_parts() {  # $1 archive path: splits it into $out/<name>.NN and writes <name>.meta (part count and sha256)
  local file=$1 name
  name=$(basename "$file")
  rm -f "$out/$name".[0-9][0-9] "$out/$name.meta"
  split -b "${part_mb}M" -d -a 2 "$file" "$out/$name."
  printf 'parts=%s sha256=%s\n' "$(ls "$out/$name".[0-9][0-9] | wc -l)" "$(sha256sum "$file" | cut -d' ' -f1)" > "$out/$name.meta"
  echo "gpu-parts: $name ($(du -h "$file" | cut -f1)) -> $(cat "$out/$name.meta") in $out"
}

case ${1:-} in
bundle)
  bash "$root/scripts/gpu-bundle.sh" "$root/.gpu/bundle.tar.xz"
  split_parts "$root/.gpu/bundle.tar.xz"
  ;;
ort)
  version=${2:-$(sed -n 's/.*OnnxRuntime.Gpu.Linux" Version="\([^"]*\)".*/\1/p' "$root/Directory.Packages.props")}
  native=${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.onnxruntime.gpu.linux/$version/runtimes/linux-x64/native
  [ -f "$native/libonnxruntime_providers_cuda.so" ] || {
    echo "gpu-parts: ONNX Runtime $version is not in the NuGet cache ($native); restore it first" >&2; exit 2; }
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  mkdir "$stage/ort-$version"
  cp "$native/libonnxruntime.so" "$native/libonnxruntime_providers_shared.so" "$stage/ort-$version/"
  python3 "$root/scripts/prune-fatbin.py" "$native/libonnxruntime_providers_cuda.so" \
    "$stage/ort-$version/libonnxruntime_providers_cuda.so" --keep 90
  tar -C "$stage" -cf - "ort-$version" | zstd -19 -T0 -q > "$root/.gpu/ort-$version.tar.zst"
  split_parts "$root/.gpu/ort-$version.tar.zst"
  ;;
*)
  echo "usage: gpu-parts.sh bundle | ort [VERSION]" >&2
  exit 2
  ;;
esac
